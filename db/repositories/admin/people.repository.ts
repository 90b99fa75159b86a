import { and, count, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { AdminAct, AdminStore, Person, Ties } from '../../../core/admin/admin-store';
import type { PersonRef } from '../../../core/admin/person-ref';
import type { Database, Executor } from '../../database';
import { loadAccounts } from '../../registry/import-registry';
import {
  accountLinks,
  accounts,
  digitalIdSessions,
  messengerUsers,
  recoveryRequests,
  trustLinks,
} from '../../schema';
import { roleRepository } from '../role.repository';
import { recordAdminAct } from './admin-audit';

type UserRow = typeof messengerUsers.$inferSelect;

export async function liveSessionOf(db: Executor, userId: number): Promise<string | null> {
  const [row] = await db
    .select({ id: digitalIdSessions.id })
    .from(digitalIdSessions)
    .where(and(eq(digitalIdSessions.messengerUserId, userId), eq(digitalIdSessions.status, 'live')));
  return row?.id ?? null;
}

/** The people the users (or, with no users, the accounts) are: each with whom they are linked to. */
async function withLinks(db: Executor, users: UserRow[], accountIds: string[]): Promise<Person[]> {
  const links = await db
    .select()
    .from(accountLinks)
    .where(
      users.length > 0
        ? inArray(
            accountLinks.messengerUserId,
            users.map((u) => u.id),
          )
        : inArray(accountLinks.accountId, accountIds.length > 0 ? accountIds : ['']),
    );
  const found = await loadAccounts(db, [...new Set([...accountIds, ...links.map((l) => l.accountId)])]);
  if (users.length > 0)
    return users.map((user) => {
      const link = links.find((l) => l.messengerUserId === user.id);
      return { user, account: found.find((a) => a.id === link?.accountId) ?? null };
    });
  const linkedUsers =
    links.length > 0
      ? await db
          .select()
          .from(messengerUsers)
          .where(
            inArray(
              messengerUsers.id,
              links.map((l) => l.messengerUserId),
            ),
          )
      : [];
  return found.map((account) => {
    const link = links.find((l) => l.accountId === account.id);
    return { account, user: linkedUsers.find((u) => u.id === link?.messengerUserId) ?? null };
  });
}

/** Everyone the reference may mean: none, one, or (a number that is both an id and an account) two. */
async function resolve(db: Executor, ref: PersonRef): Promise<Person[]> {
  const users = (where: SQL) => db.select().from(messengerUsers).where(where);
  switch (ref.kind) {
    case 'username':
      return withLinks(db, await users(sql`lower(${messengerUsers.username}) = lower(${ref.username})`), []);
    case 'phone': {
      const rows = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.phone, ref.phone));
      return withLinks(
        db,
        [],
        rows.map((r) => r.id),
      );
    }
    case 'account':
      return withLinks(db, [], [ref.id]);
    case 'number': {
      const asUser = /^\d{1,15}$/.test(ref.value)
        ? await withLinks(db, await users(eq(messengerUsers.id, Number(ref.value))), [])
        : [];
      const asAccount = await withLinks(db, [], [ref.value]);
      return [...asUser, ...asAccount.filter((p) => !asUser.some((u) => u.account?.id === p.account?.id))];
    }
  }
}

/** Active relationships on either side of the account, and the recoveries pending on them. */
async function ties(db: Executor, userId: number, accountId: string | null): Promise<Ties> {
  const liveSession = (await liveSessionOf(db, userId)) !== null;
  if (!accountId) return { liveSession, relationships: 0, pendingRecoveries: 0 };
  const eitherSide = or(
    eq(trustLinks.trustorAccountId, accountId),
    eq(trustLinks.contactAccountId, accountId),
  );
  const [[relationships], [pending]] = await Promise.all([
    db
      .select({ n: count() })
      .from(trustLinks)
      .where(and(eq(trustLinks.status, 'active'), eitherSide)),
    db
      .select({ n: count() })
      .from(recoveryRequests)
      .innerJoin(trustLinks, eq(trustLinks.id, recoveryRequests.trustLinkId))
      .where(and(eq(recoveryRequests.status, 'pending'), eq(trustLinks.status, 'active'), eitherSide)),
  ]);
  return { liveSession, relationships: relationships?.n ?? 0, pendingRecoveries: pending?.n ?? 0 };
}

/** An admin's look-up of a person, audited in the transaction that reads it. */
function lookUp(db: Database, person: Person, act: AdminAct) {
  return db.transaction(async (tx) => {
    const roles = person.account ? await roleRepository(tx).rolesOf(person.account.id) : [];
    const liveSession = person.user ? await liveSessionOf(tx, person.user.id) : null;
    const subject = { type: 'person', id: person.account?.id ?? String(person.user?.id) };
    await recordAdminAct(tx, act, 'whois', subject, person.account ? [person.account.id] : []);
    return { roles, liveSession };
  });
}

/** Whom admins name, and what they have. */
export function peopleRepository(
  db: Database,
): Pick<AdminStore, 'resolve' | 'liveSessionOf' | 'ties' | 'lookUp'> {
  return {
    resolve: (ref) => resolve(db, ref),
    liveSessionOf: (userId) => liveSessionOf(db, userId),
    ties: (userId, accountId) => ties(db, userId, accountId),
    lookUp: (person, act) => lookUp(db, person, act),
  };
}
