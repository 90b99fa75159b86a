import { and, eq, like } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TrustedContactService,
  trustedContactService,
} from '../../core/trusted-contact/trusted-contact-service';
import type { RecoveryStatus, TrustedContactStore } from '../../core/trusted-contact/trusted-contact-store';
import { auditEvents, outgoingMessages } from '../../db/schema';
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
});
afterAll(async () => {
  await t?.stop();
});

interface Model {
  status: RecoveryStatus;
  overdue: boolean;
}
interface Real {
  id: string;
  linkId: string;
  /** The service whose store calls the run goes through (in the concurrent test: scheduled ones). */
  service: TrustedContactService;
}
/** What an action leaves: the state, and whether it is the one that decided the request. */
type Step = Model & { won: boolean };

/** The request as anyone reading it finds it: one past its time is expired. */
const lapse = (m: Model): RecoveryStatus => (m.status === 'pending' && m.overdue ? 'expired' : m.status);
const reads = (m: Model): Step => ({ ...m, status: lapse(m), won: false });
const decides =
  (to: RecoveryStatus) =>
  (m: Model): Step =>
    lapse(m) === 'pending' ? { ...m, status: to, won: true } : reads(m);

/**
 * Something a person, the portal or a job can do, and what the model says it does. `act`
 * answers whether the person was told their decision took effect.
 */
interface Action {
  label: string;
  act(real: Real): Promise<boolean>;
  model(m: Model): Step;
}

const ACTIONS = {
  approve: {
    label: 'approve with the right code',
    async act({ id, service }) {
      const before = (await t.sandbox.sms(contact.phone)).length;
      const started = await service.startApproval(contact.userId, id);
      if (!started.ok) return false;
      const code = await latestCode(t.sandbox, contact.phone, before);
      return (await service.approveWithCode(contact.userId, id, started.challengeId, code)).ok;
    },
    model: decides('approved'),
  },
  deny: {
    label: 'deny',
    act: async ({ id, service }) => (await service.deny(contact.userId, id)).ok,
    model: decides('denied'),
  },
  notMe: {
    label: 'it was not me',
    act: async ({ id, service }) => (await service.cancelByTrustor(trustor.userId, id)).ok,
    model: decides('cancelled'),
  },
  denyByTrustor: {
    label: 'deny pressed by the trustor',
    act: async ({ id, service }) => (await service.deny(trustor.userId, id)).ok,
    model: reads,
  },
  expiryJob: {
    label: 'expiry job',
    async act({ id, service }) {
      await service.expire(id);
      return false;
    },
    model: reads,
  },
  reminderJob: {
    label: 'reminder job',
    async act({ id, service }) {
      await service.remind(id);
      return false;
    },
    model: reads,
  },
  timeRunsOut: {
    label: 'the time runs out',
    async act() {
      clock.advance(TTL + 1);
      return false;
    },
    model: (m) => ({ ...m, overdue: true, won: false }),
  },
  relationshipEnds: {
    label: 'the trustor removes the contact',
    async act({ linkId, service }) {
      await service.endRelationship(trustor.userId, linkId);
      return false;
    },
    // The request ends with its relationship: cancelled, unless it was past its time already.
    model: decides('cancelled'),
  },
} satisfies Record<string, Action>;
type Name = keyof typeof ACTIONS;
const NAMES = Object.keys(ACTIONS) as Name[];
/** The actions whose person is told whether their decision took effect. */
const TOLD: Name[] = ['approve', 'deny', 'notMe'];

/** The request's real state, read as the portal reads it (which expires it if overdue). */
async function observed(id: string) {
  const request = await service.current(id);
  const { db } = t.database;
  const decisions = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.fromState, 'pending')));
  const notices = await db
    .select({ key: outgoingMessages.dedupeKey })
    .from(outgoingMessages)
    .where(like(outgoingMessages.dedupeKey, `rc:${id}:final:%`));
  return { status: request?.status as RecoveryStatus, decisions, notices: notices.map((n) => n.key) };
}

/** Which action decided, as the audit trail tells it; none for expiry. */
function winnerOf(decision: {
  toState: string | null;
  details: Record<string, unknown> | null;
}): Name | null {
  const byEnd = String(decision.details?.reason ?? '').startsWith('the relationship ended');
  const winners: Record<string, Name | null> = {
    approved: 'approve',
    denied: 'deny',
    cancelled: byEnd ? 'relationshipEnds' : 'notMe',
    expired: null,
  };
  return winners[decision.toState ?? ''] ?? null;
}

/** A fresh pending request, with a relationship made again if the last run ended it. */
async function freshRequest(svc: TrustedContactService): Promise<Real> {
  const store = t.service.backend!.trustedContactStore;
  let { active } = await store.trustorView(trustor.account, clock.now());
  if (!active) {
    // A trustor names at most three new contacts an hour: each run's relationship in an hour of its own.
    clock.advance(3601);
    await service.invite(trustor.userId, 'Алексей', contact.phone);
    const { invitation } = await store.trustorView(trustor.account, clock.now());
    await service.answerInvitation(contact.userId, invitation!.id, true);
    active = (await store.trustorView(trustor.account, clock.now())).active;
  }
  const opened = await service.openRecovery(trustor.account);
  if (opened.outcome !== 'created') throw new Error(`no fresh request: ${opened.outcome}`);
  return { id: opened.request.id, linkId: active!.id, service: svc };
}

/** Once decided, decided once: one audit record, one notice to each side; nothing left pending. */
async function checkOnce(real: Real) {
  const seen = await observed(real.id);
  expect(seen.decisions.map((d) => d.toState)).toEqual(seen.status === 'pending' ? [] : [seen.status]);
  expect(seen.notices.sort()).toEqual(
    seen.status === 'pending' ? [] : [`rc:${real.id}:final:contact`, `rc:${real.id}:final:trustor`],
  );
  if (seen.status === 'pending') await service.cancelByTrustor(trustor.userId, real.id);
  return seen;
}

describe('the recovery state machine against a model (fast-check, real PostgreSQL)', () => {
  it('in sequence: every step leaves the state the model says', async () => {
    const steps = NAMES.map((name) =>
      fc.constant<fc.AsyncCommand<Model, Real>>({
        check: () => true,
        async run(model, real) {
          const told = await ACTIONS[name].act(real);
          const next = ACTIONS[name].model(model);
          Object.assign(model, { status: next.status, overdue: next.overdue });
          expect(told).toBe(next.won && TOLD.includes(name));
          expect((await observed(real.id)).status).toBe(lapse(model));
        },
        toString: () => ACTIONS[name].label,
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.commands(steps, { maxCommands: 6 }), async (commands) => {
        const real = await freshRequest(service);
        const model: Model = { status: 'pending', overdue: false };
        await fc.asyncModelRun(() => ({ model, real }), commands);
        await checkOnce(real);
      }),
      { numRuns: 40 },
    );
  });

  it('at once: whatever order fast-check’s scheduler gives the store calls, the outcome is one some sequence of the same actions gives', async () => {
    const backend = t.service.backend!;
    /** The same service, but each store call starts only when the scheduler says so. */
    const scheduled = (s: fc.Scheduler) =>
      trustedContactService({
        store: scheduledStore(backend.trustedContactStore, s),
        accounts: backend.accounts,
        otp: backend.otp,
        clock,
        settings: t.config.trustedContact,
        jobs: backend.recoveryJobs,
        dispatch: ({ outboxIds }) => backend.outgoing.enqueue(outboxIds),
        smsText: (code) => backend.i18n.t('ru', 'sms-recovery-code', { code }),
      });
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 5 }),
        async (s, names) => {
          const real = await freshRequest(scheduled(s));
          const told = await s.waitFor(
            Promise.all(
              names.map(async (name) => {
                // The clock is no store call: its move is scheduled on its own.
                if (name === 'timeRunsOut') await s.schedule(Promise.resolve(), 'the time runs out');
                return ACTIONS[name].act(real);
              }),
            ),
          );
          const seen = await checkOnce(real);
          const winner = seen.decisions[0] ? winnerOf(seen.decisions[0]) : null;
          // The outcome and who was told they decided: what running the actions one by one, in
          // some order, gives (the runs are linearizable).
          const possible = orders(names).map((order) => sequentially(order));
          expect(possible).toContainEqual({ status: seen.status, winner });
          for (const [k, name] of names.entries())
            expect(told[k]).toBe(name === winner && TOLD.includes(name));
        },
      ),
      { numRuns: 100 },
    );
    // A hundred scheduled runs against PostgreSQL: seconds alone, far more on a shared machine.
  }, 180_000);
});

/** What running the actions in this order gives: the final status, and who decided it. */
function sequentially(order: Name[]) {
  let m: Model = { status: 'pending', overdue: false };
  let winner: Name | null = null;
  for (const name of order) {
    const step = ACTIONS[name].model(m);
    if (step.won) winner = name;
    m = { status: step.status, overdue: step.overdue };
  }
  return { status: lapse(m), winner: lapse(m) === 'expired' ? null : winner };
}

function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Every method of the store waits for the scheduler before it runs (and then runs for real). */
function scheduledStore(store: TrustedContactStore, s: fc.Scheduler): TrustedContactStore {
  return Object.fromEntries(
    Object.entries(store).map(([name, call]: [string, (...args: unknown[]) => Promise<unknown>]) => [
      name,
      async (...args: unknown[]) => {
        await s.schedule(Promise.resolve(), name);
        return call(...args);
      },
    ]),
  ) as unknown as TrustedContactStore;
}
