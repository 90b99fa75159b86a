import { and, eq, like } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustedContactService } from '../../core/trusted-contact/trusted-contact-service';
import { auditEvents, outgoingMessages, trustLinks } from '../../db/schema';
import { latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { linkedPerson } from '../support/linking';
import { startTestService, type TestService } from '../support/service';

const TTL = 600;
const clock = new TestClock();
let t: TestService;
let service: TrustedContactService;
const trustor = { userId: 0, account: 'demo-06' };
const contact = { userId: 0, phone: '+79990000007' };

beforeAll(async () => {
  t = await startTestService(
    { RECOVERY_TTL_SECONDS: String(TTL), RECOVERY_MAX_PER_DAY: '10000', SMS_MAX_PER_PHONE_PER_DAY: '10000' },
    { clock },
  );
  service = t.service.backend!.trustedContact;
  trustor.userId = (await linkedPerson(t, 'Елена', '+79990000006')).person.id;
  contact.userId = (await linkedPerson(t, 'Алексей', contact.phone)).person.id;
  await service.invite(trustor.userId, 'Алексей', contact.phone);
  const [link] = await t.database.db
    .select()
    .from(trustLinks)
    .where(eq(trustLinks.trustorAccountId, trustor.account));
  await service.answerInvitation(contact.userId, link!.id, true);
});
afterAll(async () => {
  await t?.stop();
});

type Status = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
interface Model {
  status: Status;
  overdue: boolean;
}
interface Real {
  id: string;
}

/** An action by a person or a job reads the request first, which expires it if its time is up. */
const lapse = (m: Model): Status => (m.status === 'pending' && m.overdue ? 'expired' : m.status);
const decides =
  (to: Status) =>
  (m: Model): Status =>
    lapse(m) === 'pending' ? to : lapse(m);

/** Something a person, the portal or a job can do; the model says what state must follow. */
const step = (name: string, act: (real: Real) => Promise<unknown>, expected: (m: Model) => Status) =>
  fc.constant<fc.AsyncCommand<Model, Real>>({
    check: () => true,
    async run(model, real) {
      await act(real);
      model.status = expected(model);
      const row = await t.service.backend!.trustedContactStore.findRecovery(real.id);
      expect(row?.status).toBe(model.status);
    },
    toString: () => name,
  });

const steps = [
  step(
    'approve with the right code',
    async (real) => {
      const started = await service.startApproval(contact.userId, real.id);
      if (!started.ok) return;
      await service.approveWithCode(
        contact.userId,
        real.id,
        started.challengeId,
        await latestCode(t.sandbox, contact.phone),
      );
    },
    decides('approved'),
  ),
  step('deny', (real) => service.deny(contact.userId, real.id), decides('denied')),
  step('it was not me', (real) => service.cancelByTrustor(trustor.userId, real.id), decides('cancelled')),
  step('deny pressed by the trustor', (real) => service.deny(trustor.userId, real.id), lapse),
  step('expiry job', (real) => service.expire(real.id), lapse),
  step('reminder job', (real) => service.remind(real.id), lapse),
  step(
    'the time runs out',
    async () => clock.advance(TTL + 1),
    (m) => {
      m.overdue = true;
      return m.status;
    },
  ),
];

describe('the recovery state machine against a model (fast-check, real PostgreSQL)', () => {
  it('always has the first final decision, once: one audit record, one notice to each side', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(steps, { maxCommands: 6 }), async (commands) => {
        const opened = await service.openRecovery(trustor.account);
        if (opened.outcome !== 'created') throw new Error(`no fresh request: ${opened.outcome}`);
        const real = { id: opened.request.id };
        const model: Model = { status: 'pending', overdue: false };
        await fc.asyncModelRun(() => ({ model, real }), commands);
        const { db } = t.database;
        const finals = await db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.subjectId, real.id), eq(auditEvents.fromState, 'pending')));
        const notices = await db
          .select()
          .from(outgoingMessages)
          .where(like(outgoingMessages.dedupeKey, `rc:${real.id}:final:%`));
        expect(finals).toHaveLength(model.status === 'pending' ? 0 : 1);
        expect(notices).toHaveLength(model.status === 'pending' ? 0 : 2);
        // Leave no pending request behind for the next run.
        if (model.status === 'pending') await service.deny(contact.userId, real.id);
      }),
      { numRuns: 40 },
    );
  });
});
