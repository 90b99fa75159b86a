import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { isUuid } from '../../core/ids';
import { type IssueOutcome, OTP_POLICY, type OtpStore, type VerifyOutcome } from '../../core/otp/otp-policy';
import type { Database, Executor } from '../database';
import { otpChallenges, smsDailyCounts } from '../schema';

type IssueInput = Parameters<OtpStore['issue']>[0];
type VerifyInput = Parameters<OtpStore['verify']>[0];
type Challenge = typeof otpChallenges.$inferSelect;

/** Thrown inside the issue's transaction to roll it back; handed to the caller as its outcome. */
class Refused extends Error {
  constructor(readonly outcome: IssueOutcome & { ok: false }) {
    super(outcome.code);
  }
}

const secondsBetween = (later: Date, earlier: Date) =>
  Math.ceil((later.getTime() - earlier.getTime()) / 1000);

interface OtpRetention {
  /**
   * Codes whose lifetime ended before `cutoff`, and SMS counts of days before `day`: a lock
   * lasts only while its code lives, and the daily limit needs only today's count.
   */
  prune(cutoff: Date, day: string): Promise<void>;
}

export function otpRepository(db: Database): OtpStore & OtpRetention {
  return {
    issue: (input) => issueChallenge(db, input),
    verify: (input) => verifyCode(db, input),
    async prune(cutoff, day) {
      await db.delete(otpChallenges).where(lt(otpChallenges.expiresAt, cutoff));
      await db.delete(smsDailyCounts).where(lt(smsDailyCounts.day, day));
    },
  };
}

/** The challenge still open for this purpose and subject (at most one, by a unique index). */
const openFor = ({ purpose, subject }: Pick<IssueInput, 'purpose' | 'subject'>) =>
  and(
    eq(otpChallenges.purpose, purpose),
    eq(otpChallenges.subject, subject),
    isNull(otpChallenges.consumedAt),
  );

async function issueChallenge(db: Database, input: IssueInput): Promise<IssueOutcome> {
  const expiresAt = new Date(input.now.getTime() + OTP_POLICY.ttlSeconds * 1000);
  try {
    return await db.transaction(async (tx) => {
      // An open challenge that has lived out its time no longer holds the slot.
      await tx
        .update(otpChallenges)
        .set({ consumedAt: input.now })
        .where(and(openFor(input), lt(otpChallenges.expiresAt, input.now)));
      const [open] = await tx.select().from(otpChallenges).where(openFor(input)).for('update');
      const challengeId = open
        ? await resendCode(tx, open, input, expiresAt)
        : await insertChallenge(tx, input, expiresAt);
      await countSms(tx, input);
      return { ok: true as const, challengeId, expiresAt };
    });
  } catch (err) {
    if (err instanceof Refused) return err.outcome;
    throw err;
  }
}

/** A resend replaces the code and keeps the failure count, once the resend interval has passed. */
async function resendCode(
  tx: Executor,
  open: Challenge,
  input: IssueInput,
  expiresAt: Date,
): Promise<string> {
  if (open.wrongAttempts >= OTP_POLICY.maxWrongAttempts) throw new Refused({ ok: false, code: 'OTP.LOCKED' });
  const resendAt = new Date(open.sentAt.getTime() + OTP_POLICY.resendAfterSeconds * 1000);
  if (resendAt > input.now) {
    throw new Refused({
      ok: false,
      code: 'OTP.RESEND_TOO_SOON',
      retryAfterSeconds: secondsBetween(resendAt, input.now),
    });
  }
  await tx
    .update(otpChallenges)
    .set({ codeHash: input.codeHashFor(open.id), phoneHash: input.phoneHash, sentAt: input.now, expiresAt })
    .where(eq(otpChallenges.id, open.id));
  return open.id;
}

async function insertChallenge(tx: Executor, input: IssueInput, expiresAt: Date): Promise<string> {
  const challengeId = randomUUID();
  const inserted = await tx
    .insert(otpChallenges)
    .values({
      id: challengeId,
      purpose: input.purpose,
      subject: input.subject,
      phoneHash: input.phoneHash,
      codeHash: input.codeHashFor(challengeId),
      sentAt: input.now,
      expiresAt,
    })
    .onConflictDoNothing()
    .returning({ id: otpChallenges.id });
  // Another request for the same subject won the race a moment ago.
  if (inserted.length === 0) {
    throw new Refused({
      ok: false,
      code: 'OTP.RESEND_TOO_SOON',
      retryAfterSeconds: OTP_POLICY.resendAfterSeconds,
    });
  }
  return challengeId;
}

/** Counts the SMS against the number's daily limit; over it, the whole issue is refused. */
async function countSms(tx: Executor, { phoneHash, smsLimit }: IssueInput): Promise<void> {
  const counted = await tx
    .insert(smsDailyCounts)
    .values({ phoneHash, day: smsLimit.day, sent: 1 })
    .onConflictDoUpdate({
      target: [smsDailyCounts.phoneHash, smsDailyCounts.day],
      set: { sent: sql`${smsDailyCounts.sent} + 1` },
      setWhere: lt(smsDailyCounts.sent, smsLimit.max),
    })
    .returning({ sent: smsDailyCounts.sent });
  if (counted.length === 0) throw new Refused({ ok: false, code: 'OTP.DAILY_SMS_LIMIT' });
}

async function verifyCode(
  db: Executor,
  { challengeId, subject, codeHash, now }: VerifyInput,
): Promise<VerifyOutcome> {
  // An id that is not even a UUID names no challenge (and must not reach the uuid column).
  if (!isUuid(challengeId)) return { ok: false, code: 'OTP.NOT_FOUND' };
  const matches = sql`${otpChallenges.codeHash} = ${codeHash}`;
  const [row] = await db
    .update(otpChallenges)
    .set({
      wrongAttempts: sql`${otpChallenges.wrongAttempts} + case when ${matches} then 0 else 1 end`,
      consumedAt: sql`case when ${matches} then ${now.toISOString()}::timestamptz else null end`,
    })
    .where(
      and(
        eq(otpChallenges.id, challengeId),
        eq(otpChallenges.subject, subject),
        isNull(otpChallenges.consumedAt),
        sql`${otpChallenges.expiresAt} > ${now.toISOString()}::timestamptz`,
        lt(otpChallenges.wrongAttempts, OTP_POLICY.maxWrongAttempts),
      ),
    )
    .returning({ consumedAt: otpChallenges.consumedAt, wrongAttempts: otpChallenges.wrongAttempts });
  if (row?.consumedAt) return { ok: true };
  if (row) {
    const attemptsLeft = OTP_POLICY.maxWrongAttempts - row.wrongAttempts;
    return attemptsLeft > 0
      ? { ok: false, code: 'OTP.WRONG_CODE', attemptsLeft }
      : { ok: false, code: 'OTP.LOCKED' };
  }
  return whyNotCounted(db, challengeId, subject);
}

/** The try changed nothing: the challenge is gone, used, locked or expired. */
async function whyNotCounted(db: Executor, challengeId: string, subject: string): Promise<VerifyOutcome> {
  const [current] = await db
    .select()
    .from(otpChallenges)
    .where(and(eq(otpChallenges.id, challengeId), eq(otpChallenges.subject, subject)));
  if (!current || current.consumedAt) return { ok: false, code: 'OTP.NOT_FOUND' };
  if (current.wrongAttempts >= OTP_POLICY.maxWrongAttempts) return { ok: false, code: 'OTP.LOCKED' };
  return { ok: false, code: 'OTP.EXPIRED' };
}
