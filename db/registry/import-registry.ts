import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Account } from '../../core/identity/account';
import type { Database, Executor } from '../database';
import { accountStatuses, accounts } from '../schema';
import { RegistryFileError } from './registry-file';

export interface ImportSummary {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Accounts whose data changed: eligibility that depends on them must be re-checked. */
  changedIds: string[];
}

const CHUNK = 500;

/**
 * Upserts accounts in one transaction: either the whole file lands or nothing does.
 * Accounts missing from the file are left as they are (a file may be a partial update).
 */
export async function importRegistry(db: Database, records: Account[]): Promise<ImportSummary> {
  return db.transaction(async (tx) => {
    const ids = records.map((r) => r.id);
    await rejectPhonesConfirmedElsewhere(tx, records);
    const before = new Map<string, string>();
    for (const part of chunks(ids)) {
      for (const account of await loadAccounts(tx, part)) before.set(account.id, fingerprint(account));
    }
    // Unconfirm first, so a phone moving between two accounts of this file never holds the
    // unique "confirmed phone" index twice halfway through the upsert.
    for (const part of chunks(ids)) {
      await tx.update(accounts).set({ confirmed: false }).where(inArray(accounts.id, part));
    }
    const changedIds: string[] = [];
    for (const part of chunks(records)) {
      const changed = part.filter((r) => before.get(r.id) !== fingerprint(r));
      if (changed.length > 0) await upsert(tx, changed);
      const unchanged = part.filter((r) => before.get(r.id) === fingerprint(r) && r.confirmed);
      if (unchanged.length > 0) {
        await tx
          .update(accounts)
          .set({ confirmed: true })
          .where(
            inArray(
              accounts.id,
              unchanged.map((r) => r.id),
            ),
          );
      }
      changedIds.push(...changed.map((r) => r.id));
    }
    const created = records.filter((r) => !before.has(r.id)).length;
    return {
      total: records.length,
      created,
      updated: changedIds.length - created,
      unchanged: records.length - changedIds.length,
      changedIds,
    };
  });
}

async function rejectPhonesConfirmedElsewhere(tx: Executor, records: Account[]): Promise<void> {
  const confirmed = records.filter((r) => r.confirmed);
  const ids = records.map((r) => r.id);
  const problems = [];
  for (const part of chunks(confirmed)) {
    const clashes = await tx
      .select({ id: accounts.id, phone: accounts.phone })
      .from(accounts)
      .where(
        and(
          eq(accounts.confirmed, true),
          inArray(
            accounts.phone,
            part.map((r) => r.phone),
          ),
          ids.length > 0 ? notInArray(accounts.id, ids) : sql`true`,
        ),
      );
    for (const clash of clashes) {
      const row = records.findIndex((r) => r.confirmed && r.phone === clash.phone);
      problems.push({ row, field: 'phone', message: `is already confirmed on account ${clash.id}` });
    }
  }
  if (problems.length > 0) throw new RegistryFileError(problems);
}

async function upsert(tx: Executor, records: Account[]): Promise<void> {
  await tx
    .insert(accounts)
    .values(records.map(({ statuses: _, ...account }) => account))
    .onConflictDoUpdate({
      target: accounts.id,
      set: {
        lastName: sql`excluded.last_name`,
        firstName: sql`excluded.first_name`,
        middleName: sql`excluded.middle_name`,
        birthDate: sql`excluded.birth_date`,
        phone: sql`excluded.phone`,
        confirmed: sql`excluded.confirmed`,
        biometrics: sql`excluded.biometrics`,
        updatedAt: sql`now()`,
      },
    });
  const ids = records.map((r) => r.id);
  await tx.delete(accountStatuses).where(inArray(accountStatuses.accountId, ids));
  const statuses = records.flatMap((r) => r.statuses.map((s) => ({ accountId: r.id, ...s })));
  if (statuses.length > 0) await tx.insert(accountStatuses).values(statuses);
}

/** Reads accounts with their statuses. */
export async function loadAccounts(tx: Executor, ids: string[]): Promise<Account[]> {
  if (ids.length === 0) return [];
  // Both at once: on one connection postgres.js pipelines them, on the pool they run side by side.
  const [rows, statusRows] = await Promise.all([
    tx.select().from(accounts).where(inArray(accounts.id, ids)),
    tx.select().from(accountStatuses).where(inArray(accountStatuses.accountId, ids)),
  ]);
  return rows.map((row) =>
    toAccount(
      row,
      statusRows.filter((s) => s.accountId === row.id),
    ),
  );
}

/** An account as core knows it, from its row and its statuses' rows. */
export function toAccount(
  row: typeof accounts.$inferSelect,
  statuses: Pick<typeof accountStatuses.$inferSelect, 'kind' | 'validUntil'>[],
): Account {
  return {
    id: row.id,
    lastName: row.lastName,
    firstName: row.firstName,
    middleName: row.middleName,
    birthDate: row.birthDate,
    phone: row.phone,
    confirmed: row.confirmed,
    biometrics: row.biometrics,
    statuses: statuses.map((s) => ({
      kind: s.kind as Account['statuses'][number]['kind'],
      validUntil: s.validUntil,
    })),
  };
}

function fingerprint(account: Account): string {
  const statuses = [...account.statuses].sort((a, b) => a.kind.localeCompare(b.kind));
  return JSON.stringify([
    account.lastName,
    account.firstName,
    account.middleName,
    account.birthDate,
    account.phone,
    account.confirmed,
    account.biometrics,
    statuses.map((s) => [s.kind, s.validUntil]),
  ]);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
