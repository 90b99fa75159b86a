import type { Account } from '../../core/identity/account';
import type { Database } from '../../db/database';
import { importRegistry } from '../../db/registry/import-registry';
import { accountRepository } from '../../db/repositories/account.repository';
import { messengerUserRepository } from '../../db/repositories/messenger-user.repository';

/** `n` confirmed adults with biometrics and no statuses, numbered from `firstNumber`. */
export function syntheticAccounts(n: number, prefix: string, lastName: string, firstNumber = 0): Account[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    lastName,
    firstName: `${lastName} ${i}`,
    middleName: null,
    birthDate: '1990-01-01',
    phone: `+799${String(firstNumber + i).padStart(8, '0')}`,
    confirmed: true,
    biometrics: true,
    statuses: [],
  }));
}

/**
 * Puts the accounts into the registry and links each to a fresh messenger user, as if every one
 * had written to the bot and linked it (loads need thousands; going through /link would take
 * minutes). `createPerson` makes the person in the sandbox and returns its user id.
 */
export async function seedLinkedPeople(
  db: Database,
  accounts: Account[],
  createPerson: (firstName: string) => Promise<{ id: number }> | { id: number },
): Promise<Map<string, number>> {
  await importRegistry(db, accounts);
  const users = messengerUserRepository(db);
  const links = accountRepository(db);
  const userOf = new Map<string, number>();
  for (const account of accounts) {
    const { id } = await createPerson(account.firstName);
    await users.recordSeen({ id, chatId: id, firstName: account.firstName, languageCode: 'ru' });
    await links.link(account.id, id);
    userOf.set(account.id, id);
  }
  return userOf;
}
