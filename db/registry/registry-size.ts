import { count } from 'drizzle-orm';
import type { Executor } from '../database';
import { accounts } from '../schema';

export async function countAccounts(db: Executor): Promise<number> {
  const [row] = await db.select({ n: count() }).from(accounts);
  return row?.n ?? 0;
}
