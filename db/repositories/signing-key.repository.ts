import { randomBytes } from 'node:crypto';
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Ed25519 } from '../../core/digital-id/ed25519';
import { KEYRING_CACHE_SECONDS, type Keyring, type PublishedKey } from '../../core/digital-id/keyring';
import type { Database, Executor } from '../database';
import { openSeed, sealSeed } from '../key-envelope';
import { signingKeys } from '../schema';

export interface SigningKeyDeps {
  db: Database;
  ed25519: Ed25519;
  /** The AES key sealing the seeds (derived from KEY_ENCRYPTION_KEY). */
  sealingKey: Buffer;
}

async function insertActive(tx: Executor, deps: SigningKeyDeps): Promise<number | null> {
  const seed = new Uint8Array(randomBytes(32));
  const [next] = await tx
    .select({ kid: sql<number>`coalesce(max(${signingKeys.kid}), 0) + 1` })
    .from(signingKeys);
  const kid = Number(next?.kid ?? 1);
  const inserted = await tx
    .insert(signingKeys)
    .values({
      kid,
      publicKey: Buffer.from(deps.ed25519.publicKeyOf(seed)).toString('base64url'),
      sealedSeed: sealSeed(deps.sealingKey, kid, seed),
      status: 'active',
    })
    .onConflictDoNothing()
    .returning({ kid: signingKeys.kid });
  return inserted[0]?.kid ?? null;
}

export function signingKeyRepository(deps: SigningKeyDeps) {
  const { db } = deps;
  return {
    /** The same repository inside a caller's transaction (an admin's change and its audit row). */
    within: (tx: Database) => signingKeyRepository({ ...deps, db: tx }),

    /** Creates the first key if there is none; safe when several processes start at once. */
    async ensureActive(): Promise<void> {
      const [active] = await db
        .select({ kid: signingKeys.kid })
        .from(signingKeys)
        .where(eq(signingKeys.status, 'active'));
      if (!active) await insertActive(db, deps);
    },

    /** The active key moves to retired (still published, still verifies); a new key signs. */
    async rotate(at: Date): Promise<{ retired: number | null; active: number }> {
      // A new key sealed under the wrong KEY_ENCRYPTION_KEY would stop every service from signing.
      await this.active();
      return db.transaction(async (tx) => {
        const [retired] = await tx
          .update(signingKeys)
          .set({ status: 'retired', retiredAt: at })
          .where(eq(signingKeys.status, 'active'))
          .returning({ kid: signingKeys.kid });
        const active = await insertActive(tx, deps);
        if (active === null) throw new Error('another rotation ran at the same time; try again');
        return { retired: retired?.kid ?? null, active };
      });
    },

    /**
     * Unpublishes a retired key once `retiredBefore` has passed its retirement (the caller
     * computes it with removableIfRetiredBefore); its tokens then answer `unknown_key`.
     */
    async remove(
      kid: number,
      at: Date,
      retiredBefore: Date,
    ): Promise<'removed' | 'unknown' | 'not_retired' | 'too_soon'> {
      const [removed] = await db
        .update(signingKeys)
        .set({ status: 'removed', removedAt: at })
        .where(
          and(
            eq(signingKeys.kid, kid),
            eq(signingKeys.status, 'retired'),
            lte(signingKeys.retiredAt, retiredBefore),
          ),
        )
        .returning({ kid: signingKeys.kid });
      if (removed) return 'removed';
      const [key] = await db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
      if (!key) return 'unknown';
      return key.status === 'retired' ? 'too_soon' : 'not_retired';
    },

    /**
     * KEY_ENCRYPTION_KEY rotation: every seed opened with the current key and sealed again with
     * `newSealingKey`, in one transaction; a seed the current key cannot open stops it unchanged.
     */
    async reseal(newSealingKey: Buffer): Promise<number> {
      return db.transaction(async (tx) => {
        const rows = await tx.select().from(signingKeys).for('update');
        for (const row of rows) {
          const seed = openSeed(deps.sealingKey, row.kid, row.sealedSeed);
          await tx
            .update(signingKeys)
            .set({ sealedSeed: sealSeed(newSealingKey, row.kid, seed) })
            .where(eq(signingKeys.kid, row.kid));
        }
        return rows.length;
      });
    },

    async list() {
      return db.select().from(signingKeys).orderBy(signingKeys.kid);
    },

    async active() {
      const [row] = await db.select().from(signingKeys).where(eq(signingKeys.status, 'active'));
      if (!row) throw new Error('no active signing key');
      return { kid: row.kid, seed: openSeed(deps.sealingKey, row.kid, row.sealedSeed) };
    },

    async published(): Promise<PublishedKey[]> {
      const rows = await db
        .select()
        .from(signingKeys)
        .where(inArray(signingKeys.status, ['active', 'retired']))
        .orderBy(signingKeys.kid);
      return rows.map((r) => ({
        kid: r.kid,
        alg: 'Ed25519',
        publicKey: r.publicKey,
        status: r.status as 'active' | 'retired',
      }));
    },
  };
}

export type SigningKeyRepository = ReturnType<typeof signingKeyRepository>;

/**
 * The keyring the hot paths use: keys read from the database at most every `ttlMs`, so a
 * rotation in one process reaches the others within that time without a query per token.
 */
export function cachedKeyring(
  repo: SigningKeyRepository,
  now: () => number = Date.now,
  ttlMs = KEYRING_CACHE_SECONDS * 1000,
): Keyring {
  let signing: { value: Awaited<ReturnType<SigningKeyRepository['active']>>; at: number } | null = null;
  let published: { value: PublishedKey[]; keys: Map<number, Uint8Array>; at: number } | null = null;
  const loadPublished = async () => {
    if (!published || now() - published.at > ttlMs) {
      const value = await repo.published();
      const keys = new Map(value.map((k) => [k.kid, new Uint8Array(Buffer.from(k.publicKey, 'base64url'))]));
      published = { value, keys, at: now() };
    }
    return published;
  };
  return {
    async signingKey() {
      if (!signing || now() - signing.at > ttlMs) signing = { value: await repo.active(), at: now() };
      return signing.value;
    },
    async publicKey(kid) {
      return (await loadPublished()).keys.get(kid) ?? null;
    },
    async published() {
      return (await loadPublished()).value;
    },
  };
}
