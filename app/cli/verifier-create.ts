import { cleanDisplayName } from '../../core/identity/display-name';
import { verifierKeys } from '../../core/verification/verifier-keys';
import { verifierKeyRepository } from '../../db/repositories/verifier-key.repository';
import { openCliDatabase, runCli } from './open-cli-database';

const NAME_PROBLEMS = {
  empty: 'the name is empty',
  too_long: 'the name is longer than 64 characters',
  control_characters: 'the name contains control characters',
} as const;

/**
 * `npm run verifier:create -- NAME` issues an API key for POST /api/v1/verify. The key is shown
 * once, as the last line, so a script can take it with `tail -n 1`; only its hash is stored.
 */
await runCli(async () => {
  const name = cleanDisplayName(process.argv.slice(2).join(' '));
  if (!name.ok) throw new Error(`Usage: npm run verifier:create -- NAME (${NAME_PROBLEMS[name.problem]}).`);
  const database = await openCliDatabase();
  try {
    await database.migrate();
    const { verifier, key } = await verifierKeys(verifierKeyRepository(database.db)).issue(name.name);
    process.stdout.write(
      `Verifier "${verifier.name}" (${verifier.id}) created. Keep the key secret: it is not stored and cannot be shown again.\n${key}\n`,
    );
  } finally {
    await database.close();
  }
});
