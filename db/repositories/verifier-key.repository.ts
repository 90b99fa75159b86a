import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { VerifierKeyStore } from '../../core/verification/verifier-keys';
import type { Database } from '../database';
import { verifierKeys } from '../schema';
import { recordAudit } from './audit.repository';

const verifier = { id: verifierKeys.id, name: verifierKeys.name };

export function verifierKeyRepository(db: Database): VerifierKeyStore {
  return {
    async create(name, keyHash, by, at) {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(verifierKeys)
          .values({ name, keyHash, createdAt: at })
          .returning(verifier);
        if (!row) throw new Error('the verifier key was not stored');
        await recordAudit(tx, {
          at,
          ...by,
          subjectType: 'verifier_key',
          subjectId: row.id,
          toState: 'active',
          accountIds: [],
          details: { name },
        });
        return row;
      });
    },

    async findActiveByHash(keyHash) {
      const [row] = await db
        .select(verifier)
        .from(verifierKeys)
        .where(and(eq(verifierKeys.keyHash, keyHash), isNull(verifierKeys.revokedAt)));
      return row ?? null;
    },

    list(by, at) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({
            ...verifier,
            createdAt: verifierKeys.createdAt,
            lastUsedAt: verifierKeys.lastUsedAt,
            revokedAt: verifierKeys.revokedAt,
          })
          .from(verifierKeys)
          .orderBy(asc(verifierKeys.createdAt), asc(verifierKeys.id));
        if (by && at)
          await recordAudit(tx, {
            at,
            actor: by.actor,
            action: by.action,
            subjectType: 'verifier_key',
            subjectId: '*',
            accountIds: [],
          });
        return rows;
      });
    },

    async revoke(target, by, at) {
      const named =
        'id' in target ? eq(verifierKeys.id, target.id) : eq(verifierKeys.keyHash, target.keyHash);
      return db.transaction(async (tx) => {
        const [revoked] = await tx
          .update(verifierKeys)
          .set({ revokedAt: at })
          .where(and(named, isNull(verifierKeys.revokedAt)))
          .returning(verifier);
        if (revoked) {
          await recordAudit(tx, {
            at,
            ...by,
            subjectType: 'verifier_key',
            subjectId: revoked.id,
            fromState: 'active',
            toState: 'revoked',
            accountIds: [],
            details: { name: revoked.name },
          });
          return { verifier: revoked, wasActive: true };
        }
        const [known] = await tx.select(verifier).from(verifierKeys).where(named);
        return known ? { verifier: known, wasActive: false } : null;
      });
    },

    async markUsed(id, at, since) {
      await db
        .update(verifierKeys)
        .set({ lastUsedAt: at })
        .where(
          and(
            eq(verifierKeys.id, id),
            or(isNull(verifierKeys.lastUsedAt), lt(verifierKeys.lastUsedAt, since)),
          ),
        );
    },
  };
}
