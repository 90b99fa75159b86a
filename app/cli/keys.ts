import { nodeEd25519 } from '../../core/digital-id/ed25519';
import { removableIfRetiredBefore } from '../../core/digital-id/keyring';
import { recordAudit } from '../../db/repositories/audit.repository';
import {
  type SigningKeyRepository,
  signingKeyRepository,
} from '../../db/repositories/signing-key.repository';
import { createLogger } from '../../infra/logger';
import { deriveKey, resolveMasterKey } from '../secrets';
import { cliConfig, openCliDatabase, runCli } from './open-cli-database';
import { CLI_ACTOR } from './verifier-keys-cli';

const USAGE =
  'Usage: npm run keys -- list | rotate | remove KID | rekey (with NEW_KEY_ENCRYPTION_KEY set to the new key)';

const REMOVAL_REFUSALS = {
  unknown: 'there is no such key',
  not_retired: 'only a retired key can be removed (rotate first)',
  too_soon: 'tokens it signed may still be valid; try again in a minute',
} as const;

/**
 * `npm run keys -- list` shows the Digital ID signing keys; `rotate` retires the active key
 * (still published, still verifying) and makes a new one active; `remove KID` unpublishes a
 * retired key once nothing it signed can still verify. Running services follow within seconds.
 * `rekey` re-encrypts every signing key under NEW_KEY_ENCRYPTION_KEY (KEY_ENCRYPTION_KEY rotation).
 */
await runCli(async () => {
  const [command, kidArg] = process.argv.slice(2);
  if (!['list', 'rotate', 'remove', 'rekey'].includes(command ?? '')) throw new Error(USAGE);
  const kid = Number(kidArg);
  if (command === 'remove' && !(Number.isInteger(kid) && kid > 0)) throw new Error(USAGE);
  const config = cliConfig();
  const masterKey = resolveMasterKey(config, createLogger('warn'));
  const database = await openCliDatabase(config);
  try {
    await database.migrate();
    const keys = signingKeyRepository({
      db: database.db,
      ed25519: nodeEd25519(),
      sealingKey: deriveKey(masterKey, 'signing-key-encryption'),
    });
    await keys.ensureActive();
    const now = new Date();
    /** A change to the keys and its audit row, in one transaction (an operator's act is audited). */
    const audited = <T>(
      action: string,
      change: (within: SigningKeyRepository) => Promise<T>,
      row: (result: T) => { subjectId: string; details?: Record<string, string | number | null> } | null,
    ) =>
      database.db.transaction(async (tx) => {
        const result = await change(keys.within(tx));
        const entry = row(result);
        if (entry)
          await recordAudit(tx, {
            at: now,
            actor: CLI_ACTOR,
            action: `cli.${action}`,
            subjectType: 'signing_key',
            accountIds: [],
            ...entry,
          });
        return result;
      });
    if (command === 'rotate') {
      const { retired, active } = await audited(
        'rotate_key',
        (k) => k.rotate(now),
        (r) => ({ subjectId: String(r.active), details: { retired: r.retired } }),
      );
      process.stdout.write(
        `Key ${active} is now active${retired === null ? '' : `; key ${retired} is retired and still published`}.\n`,
      );
    }
    if (command === 'rekey') {
      const next = Buffer.from(process.env.NEW_KEY_ENCRYPTION_KEY ?? '', 'base64');
      if (next.length !== 32) throw new Error('NEW_KEY_ENCRYPTION_KEY must be 32 bytes, base64-encoded.');
      const count = await audited(
        'rekey',
        (k) => k.reseal(deriveKey(next, 'signing-key-encryption')),
        (n) => ({ subjectId: '*', details: { keys: n } }),
      );
      process.stdout.write(
        `${count} signing key(s) are now sealed with the new key. Set KEY_ENCRYPTION_KEY to it in every process and restart them.\n`,
      );
    }
    if (command === 'remove') {
      const cutoff = removableIfRetiredBefore(now, {
        tokenTtlSeconds: config.digitalId.tokenTtlSeconds,
        skewSeconds: config.digitalId.verifyClockSkewSeconds,
      });
      const outcome = await audited(
        'remove_key',
        (k) => k.remove(kid, now, cutoff),
        (o) => (o === 'removed' ? { subjectId: String(kid) } : null),
      );
      if (outcome !== 'removed') throw new Error(`Key ${kid} was not removed: ${REMOVAL_REFUSALS[outcome]}.`);
      process.stdout.write(`Key ${kid} is removed: its tokens now answer unknown_key.\n`);
    }
    for (const key of await keys.list()) {
      const when = [
        key.createdAt.toISOString(),
        key.retiredAt && `retired ${key.retiredAt.toISOString()}`,
        key.removedAt && `removed ${key.removedAt.toISOString()}`,
      ]
        .filter(Boolean)
        .join(', ');
      process.stdout.write(`kid ${key.kid}\t${key.status}\t${when}\n`);
    }
  } finally {
    await database.close();
  }
});
