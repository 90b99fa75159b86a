import type { Logger } from 'pino';
import type { Clock } from '../../core/clock';
import { type Ed25519, nodeEd25519 } from '../../core/digital-id/ed25519';
import { moscowDate } from '../../core/identity/calendar';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { DEMO_VERIFIER_ACCOUNT, demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry } from '../../db/registry/import-registry';
import { countAccounts } from '../../db/registry/registry-size';
import { type RoleRepository, roleRepository } from '../../db/repositories/role.repository';
import {
  type SigningKeyRepository,
  signingKeyRepository,
} from '../../db/repositories/signing-key.repository';
import type { Closers } from '../../infra/closers';
import type { Config } from '../config';
import { deriveKey, resolveMasterKey } from '../secrets';

/** The database, migrated, with what every role reads from it first. */
export interface Storage {
  database: DatabaseHandle;
  roles: RoleRepository;
  /** The key every other secret is derived from (signing-key sealing, OTP pepper, phone hashes). */
  masterKey: Buffer;
  ed25519: Ed25519;
  /** The signing keys, with one active. */
  keys: SigningKeyRepository;
}

/**
 * Opens and migrates the database; a demo (sandbox) start on an empty one loads the demo
 * registry with its verifier, so the first five minutes need no registry file.
 */
export async function openStorage(
  config: Config,
  logger: Logger,
  clock: Clock,
  closers: Closers,
  options: { demo: boolean; onStatement?: () => void },
): Promise<Storage> {
  const database = await openDatabase(
    config.storage.kind === 'postgres' && options.onStatement
      ? { ...config.storage, onStatement: options.onStatement }
      : config.storage,
  );
  closers.push(() => database.close());
  await database.migrate();
  const { db } = database;
  const roles = roleRepository(db);
  if (options.demo && (await countAccounts(db)) === 0) {
    const summary = await importRegistry(db, demoRegistry(moscowDate(clock.now())));
    await roles.grant(DEMO_VERIFIER_ACCOUNT, 'verifier', 'demo registry');
    logger.info({ accounts: summary.total }, 'loaded the demo registry into the empty database');
  }
  const masterKey = resolveMasterKey(config, logger);
  const ed25519 = nodeEd25519();
  const keys = signingKeyRepository({
    db,
    ed25519,
    sealingKey: deriveKey(masterKey, 'signing-key-encryption'),
  });
  await keys.ensureActive();
  return { database, roles, masterKey, ed25519, keys };
}
