import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { type IssueOutcome, OTP_POLICY, type OtpStore, type VerifyOutcome } from '../../core/otp/otp-policy';
import type { Database } from '../database';
import { otpChallenges, smsDailyCounts } from '../schema';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function otpRepository(db: Database): OtpStore & OtpRetention {
  return {
    async issue({ purpose, subject, phoneHash, codeHashFor, now, smsLimit }) {
      const expiresAt = new Date(now.getTime() + OTP_POLICY.ttlSeconds * 1000);
      try {
        return await db.transaction(async (tx) => {
          // An open challenge that has lived out its time no longer holds the slot.
          await tx
            .update(otpChallenges)
            .set({ consumedAt: now })
            .where(
              and(
                eq(otpChallenges.purpose, purpose),
                eq(otpChallenges.subject, subject),
                isNull(otpChallenges.consumedAt),
                lt(otpChallenges.expiresAt, now),
              ),
            );
          const [open] = await tx
            .select()
            .from(otpChallenges)
            .where(
              and(
                eq(otpChallenges.purpose, purpose),
                eq(otpChallenges.subject, subject),
                isNull(otpChallenges.consumedAt),
              ),
            )
            .for('update');
          let challengeId: string;
          if (open) {
            if (open.wrongAttempts >= OTP_POLICY.maxWrongAttempts)
              throw new Refused({ ok: false, code: 'OTP.LOCKED' });
            const resendAt = new Date(open.sentAt.getTime() + OTP_POLICY.resendAfterSeconds * 1000);
            if (resendAt > now) {
              throw new Refused({
                ok: false,
                code: 'OTP.RESEND_TOO_SOON',
                retryAfterSeconds: secondsBetween(resendAt, now),
              });
            }
            // A resend replaces the code and keeps the failure count.
            challengeId = open.id;
            await tx
              .update(otpChallenges)
              .set({ codeHash: codeHashFor(open.id), phoneHash, sentAt: now, expiresAt })
              .where(eq(otpChallenges.id, open.id));
          } else {
            challengeId = randomUUID();
            const inserted = await tx
              .insert(otpChallenges)
              .values({
                id: challengeId,
                purpose,
                subject,
                phoneHash,
                codeHash: codeHashFor(challengeId),
                sentAt: now,
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
          }
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
          return { ok: true as const, challengeId, expiresAt };
        });
      } catch (err) {
        if (err instanceof Refused) return err.outcome;
        throw err;
      }
    },

    async prune(cutoff, day) {
      await db.delete(otpChallenges).where(lt(otpChallenges.expiresAt, cutoff));
      await db.delete(smsDailyCounts).where(lt(smsDailyCounts.day, day));
    },

    async verify({ challengeId, subject, codeHash, now }): Promise<VerifyOutcome> {
      // An id that is not even a UUID names no challenge (and must not reach the uuid column).
      if (!UUID.test(challengeId)) return { ok: false, code: 'OTP.NOT_FOUND' };
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
      const [current] = await db
        .select()
        .from(otpChallenges)
        .where(and(eq(otpChallenges.id, challengeId), eq(otpChallenges.subject, subject)));
      if (!current || current.consumedAt) return { ok: false, code: 'OTP.NOT_FOUND' };
      if (current.wrongAttempts >= OTP_POLICY.maxWrongAttempts) return { ok: false, code: 'OTP.LOCKED' };
      return { ok: false, code: 'OTP.EXPIRED' };
    },
  };
}
