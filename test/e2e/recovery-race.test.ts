import { Job, Queue } from 'bullmq';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPhone } from '../../core/identity/phone';
import type { FinalRecoveryStatus } from '../../core/trusted-contact/trusted-contact-store';
import { auditEvents, outgoingMessages, trustLinks } from '../../db/schema';
import { QUEUES } from '../../workers/queues';
import { latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { REDIS_URL } from '../support/redis';
import { startTestService, type TestService } from '../support/service';
import {
  askRecovery,
  freshPeople,
  type Person,
  recoveryStatus,
  theCallback,
} from '../support/trusted-contact';
import { waitFor } from '../support/wait';

const RUNS = 200;
/** Races run side by side in a batch, sharing one move of the clock. */
const BATCH = 8;
/** Each racer sets off at a random moment within this many milliseconds. */
const WINDOW_MS = 150;
/**
 * The clock moves within this window: wider than the people's, whose actions take a trip
 * through the messenger and the bot first (a few hundred milliseconds on a busy machine), so
 * that expiry neither always nor never comes first.
 */
const CLOCK_WINDOW_MS = 1000;
const TTL = 600;

const SAID = {
  approved: '✅ Вы подтвердили восстановление пароля.',
  denied: 'Вы отклонили запрос на восстановление.',
  cancelled: 'Запрос на восстановление отменён.',
  notPending: 'Это уже неактуально.',
  /** The code typed after a Deny pressed first: the approval form has ended. */
  noCodeAsked: 'Сейчас код не запрашивался',
  /** The code checked just after the clock passed the deadline (and the code's own lifetime). */
  codeExpired: 'Срок действия кода истёк',
};

const clock = new TestClock();
let t: TestService;
let recoveryQueue: Queue;
let pairs: { trustor: Person; contact: Person }[];
beforeAll(async () => {
  t = await startTestService(
    { RECOVERY_TTL_SECONDS: String(TTL), RECOVERY_MAX_PER_DAY: '1000', OUTGOING_RATE_PER_SECOND: '1000' },
    { clock },
  );
  recoveryQueue = new Queue(QUEUES.recovery.name, {
    connection: { url: REDIS_URL },
    prefix: t.config.queuePrefix,
  });
  const people = await freshPeople(t, RUNS * 2, 'race', 0);
  pairs = Array.from({ length: RUNS }, (_, i) => ({
    trustor: people[2 * i] as Person,
    contact: people[2 * i + 1] as Person,
  }));
  // Relationships seeded as accepted ones: the races, not the invitations, are under test.
  const now = clock.now();
  await t.database.db.insert(trustLinks).values(
    pairs.map(({ trustor, contact }) => ({
      trustorAccountId: trustor.account.id,
      contactAccountId: contact.account.id,
      contactName: 'Контакт',
      contactPhoneMasked: maskPhone(contact.account.phone),
      status: 'active' as const,
      delivered: true,
      invitedAt: now,
      expiresAt: now,
      acceptedAt: now,
    })),
  );
}, 120_000);
afterAll(async () => {
  await recoveryQueue?.close();
  await t?.stop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const someMoment = () => pause(Math.random() * WINDOW_MS);

/** A request asked for by the portal, its Approve already pressed and the SMS code at hand. */
async function prepared({ trustor, contact }: { trustor: Person; contact: Person }) {
  const { id, prompt, told } = await askRecovery(t, {
    trustor: trustor.chat,
    contact: contact.chat,
    trustorAccount: trustor.account.id,
  });
  const phone = contact.account.phone;
  await contact.chat.tap(prompt.messageId, `rc:ok:${id}`);
  const code = await latestCode(t.sandbox, phone);
  await contact.chat.waitForText('Код отправлен в SMS');
  return { id, trustor, contact, prompt, told, code, trigger: Math.random() < 0.5 ? 'GET' : 'job' };
}
type Run = Awaited<ReturnType<typeof prepared>>;

/** What each person saw of their own action, once the bot answered it. */
async function racers(run: Run, clockMoved: Promise<void>) {
  const answerToCode = async () => {
    await someMoment();
    const { messageId } = await t.sandbox.sendText(run.contact.userId, run.code);
    const isAnswer = (text = '') =>
      text === SAID.approved ||
      text === SAID.notPending ||
      text.startsWith(SAID.noCodeAsked) ||
      text.startsWith(SAID.codeExpired);
    return waitFor(
      async () =>
        (await run.contact.chat.botMessages()).find((m) => m.messageId > messageId && isAnswer(m.text))?.text,
      'the answer to the code',
    );
  };
  const tapped = async (chat: Person['chat'], messageId: number, data: string) => {
    await someMoment();
    return chat.tapForNotice(messageId, data);
  };
  // Once the clock has passed the deadline: the portal polls, or the request's own expiry job
  // (queued for the deadline) is run now.
  const expiry = async () => {
    await clockMoved;
    if (run.trigger === 'GET') await recoveryStatus(t, run.id);
    else await (await Job.fromId(recoveryQueue, `expire-${run.id}`))?.promote();
  };
  const [approve, deny, notMe] = await Promise.all([
    answerToCode(),
    tapped(run.contact.chat, run.prompt.messageId, `rc:no:${run.id}`),
    tapped(run.trustor.chat, run.told.messageId, `rc:notme:${run.id}`),
    expiry(),
  ]);
  return { approve, deny, notMe };
}

describe('one outcome, whatever races (PostgreSQL, through the buttons and the API)', () => {
  it(`lets exactly one of approve, deny, "it was not me" and expiry win, ${RUNS} times`, async () => {
    const outcomes: Record<FinalRecoveryStatus, number> = {
      approved: 0,
      denied: 0,
      cancelled: 0,
      expired: 0,
    };
    const finished: { id: string; status: string }[] = [];
    for (let i = 0; i < RUNS; i += BATCH) {
      const runs = await Promise.all(pairs.slice(i, i + BATCH).map(prepared));
      // One move past every deadline of the batch, at a random moment of the race.
      const clockMoved = pause(Math.random() * CLOCK_WINDOW_MS).then(() => clock.advance(TTL + 1));
      const seen = await Promise.all(runs.map((run) => racers(run, clockMoved)));
      for (const [k, run] of runs.entries()) {
        const status = (await recoveryStatus(t, run.id)) as FinalRecoveryStatus;
        const said = seen[k] as Awaited<ReturnType<typeof racers>>;
        expect(['approved', 'denied', 'cancelled', 'expired']).toContain(status);
        // Whoever won was told so, and nobody else was.
        expect(said.approve === SAID.approved).toBe(status === 'approved');
        expect(said.deny === SAID.denied).toBe(status === 'denied');
        expect(said.notMe === SAID.cancelled).toBe(status === 'cancelled');
        const { db } = t.database;
        const decisions = await db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.subjectId, run.id), eq(auditEvents.fromState, 'pending')));
        expect(decisions.map((d) => d.toState)).toEqual([status]);
        const notices = await db
          .select({ key: outgoingMessages.dedupeKey })
          .from(outgoingMessages)
          .where(like(outgoingMessages.dedupeKey, `rc:${run.id}:final:%`));
        expect(notices.map((n) => n.key).sort()).toEqual([
          `rc:${run.id}:final:contact`,
          `rc:${run.id}:final:trustor`,
        ]);
        outcomes[status] += 1;
        finished.push({ id: run.id, status });
      }
    }
    // Exactly one callback each, saying what GET says; and every outcome happened.
    for (const { id, status } of finished)
      expect(await theCallback(t, id)).toMatchObject({ id, status, signatureValid: true });
    for (const { id, status } of finished) expect(await recoveryStatus(t, id)).toBe(status);
    console.info('recovery race outcomes', outcomes);
    for (const count of Object.values(outcomes)) expect(count).toBeGreaterThan(0);
  }, 300_000);
});
