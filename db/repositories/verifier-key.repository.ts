import { and, eq, isNull } from 'drizzle-orm';
import type { VerifierKeyStore } from '../../core/verification/verifier-keys';
import type { Database } from '../database';
import { verifierKeys } from '../schema';

export function verifierKeyRepository(db: Database): VerifierKeyStore {
  return {
    async create(name, keyHash) {
      const [row] = await db
        .insert(verifierKeys)
        .values({ name, keyHash })
        .returning({ id: verifierKeys.id, name: verifierKeys.name });
      if (!row) throw new Error('the verifier key was not stored');
      return row;
    },
    async findActiveByHash(keyHash) {
      const [row] = await db
        .select({ id: verifierKeys.id, name: verifierKeys.name })
        .from(verifierKeys)
        .where(and(eq(verifierKeys.keyHash, keyHash), isNull(verifierKeys.revokedAt)));
      return row ?? null;
    },
  };
}
