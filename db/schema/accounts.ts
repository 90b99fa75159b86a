import { sql } from 'drizzle-orm';
import { boolean, date, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** The state-services registry (ESIA stand-in), filled by `npm run registry:import`. */
export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    lastName: text('last_name').notNull(),
    firstName: text('first_name').notNull(),
    middleName: text('middle_name'),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    phone: text('phone').notNull(),
    confirmed: boolean('confirmed').notNull(),
    biometrics: boolean('biometrics').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A phone confirms at most one account, so a phone identifies the person it belongs to.
    uniqueIndex('accounts_confirmed_phone_key').on(t.phone).where(sql`${t.confirmed}`),
    index('accounts_phone_idx').on(t.phone),
  ],
);

export const accountStatuses = pgTable(
  'account_statuses',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    validUntil: date('valid_until', { mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.kind] })],
);
