import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { redactUrl } from '../core/redact-url';
import type { Database } from './database';
import { lockEmbeddedDatabase } from './pglite-lock';
import * as schema from './schema';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
/** Any constant works: it only has to be the same in every process that migrates. */
const MIGRATION_LOCK_ID = 7_240_001;

export type DatabaseTarget =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /**
       * Called for every statement sent (postgres.js's `debug` hook), to count them; unset in
       * production, where `debug` would also put query parameters into logged errors.
       */
      onStatement?: () => void;
    }
  | { kind: 'pglite'; dir: string };

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseTarget['kind'];
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  constructor(
    readonly target: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `PostgreSQL is not reachable at ${target} (${reason}). Start it, or check DATABASE_URL; ` +
        'leave DATABASE_URL unset to use the embedded database.',
    );
    this.name = 'DatabaseUnreachableError';
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  return target.kind === 'postgres'
    ? openPostgres(target.url, target.poolSize ?? 10, target.onStatement)
    : openPglite(target.dir);
}

async function openPostgres(
  url: string,
  poolSize: number,
  onStatement: (() => void) | undefined,
): Promise<DatabaseHandle> {
  const client = postgres(url, {
    max: poolSize,
    onnotice: () => {},
    connect_timeout: 5,
    ...(onStatement && { debug: () => onStatement() }),
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  const ping = async () => {
    await db.execute(sql`select 1`);
  };
  try {
    await ping();
  } catch (err) {
    await client.end({ timeout: 1 });
    throw new DatabaseUnreachableError(redactUrl(url), err);
  }
  return {
    db,
    kind: 'postgres',
    ping,
    // drizzle's migrator takes no lock, so concurrent starts serialise on an advisory lock
    // held by one dedicated connection, closed afterwards.
    async migrate() {
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder: MIGRATIONS_FOLDER });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dir: string): Promise<DatabaseHandle> {
  const inMemory = dir.startsWith('memory://');
  const release = inMemory ? async () => {} : await lockEmbeddedDatabase(dir);
  const client = await PGlite.create(inMemory ? undefined : dir);
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    async ping() {
      await db.execute(sql`select 1`);
    },
    async migrate() {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async close() {
      await client.close();
      await release();
    },
  };
}
