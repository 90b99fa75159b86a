import { nodeEd25519 } from '../../core/digital-id/ed25519';
import { signingKeyRepository } from '../../db/repositories/signing-key.repository';
import { createLogger } from '../logger';
import { deriveKey, resolveMasterKey } from '../secrets';
import { cliConfig, openCliDatabase, runCli } from './open-cli-database';

const USAGE = 'Usage: npm run keys -- list | rotate';

/**
 * `npm run keys -- list` shows the Digital ID signing keys; `npm run keys -- rotate` retires
 * the active key (still published, still verifying) and makes a new one active. Running
 * services pick the new key up within seconds.
 */
await runCli(async () => {
  const command = process.argv[2];
  if (command !== 'list' && command !== 'rotate') throw new Error(USAGE);
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
    if (command === 'rotate') {
      const { retired, active } = await keys.rotate();
      process.stdout.write(
        `Key ${active} is now active${retired === null ? '' : `; key ${retired} is retired and still published`}.\n`,
      );
    }
    for (const key of await keys.list()) {
      const when = [key.createdAt.toISOString(), key.retiredAt && `retired ${key.retiredAt.toISOString()}`]
        .filter(Boolean)
        .join(', ');
      process.stdout.write(`kid ${key.kid}\t${key.status}\t${when}\n`);
    }
  } finally {
    await database.close();
  }
});
