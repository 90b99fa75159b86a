import { sql } from 'drizzle-orm';
import { date, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** One-time codes: only an HMAC of each code is kept, with its tries and lifetime. */
export const otpChallenges = pgTable(
  'otp_challenges',
  {
    id: uuid('id').primaryKey(),
    purpose: text('purpose').notNull(),
    /** Whom the code is for within the purpose (a messenger user, a recovery request). */
    subject: text('subject').notNull(),
    /** core/otp hashPhone: the number's rows can be found, and the number is not kept. */
    phoneHash: text('phone_hash').notNull(),
    codeHash: text('code_hash').notNull(),
    wrongAttempts: integer('wrong_attempts').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // At most one open challenge per purpose and subject: a new request is a resend of it.
  (t) => [uniqueIndex('otp_open_challenge_key').on(t.purpose, t.subject).where(sql`${t.consumedAt} is null`)],
);

/** SMS sent per number (hashed, as in otp_challenges) per Moscow day, for SMS_MAX_PER_PHONE_PER_DAY. */
export const smsDailyCounts = pgTable(
  'sms_daily_counts',
  {
    phoneHash: text('phone_hash').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    sent: integer('sent').notNull(),
  },
  (t) => [primaryKey({ columns: [t.phoneHash, t.day] })],
);
