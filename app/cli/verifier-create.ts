import { cleanDisplayName } from '../../core/identity/display-name';
import { runCli } from './open-cli-database';
import { CLI_ACTOR, withVerifierKeys } from './verifier-keys-cli';

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
  await withVerifierKeys(async (keys) => {
    const { verifier, key } = await keys.issue(name.name, { actor: CLI_ACTOR, action: 'cli.verifier_key' });
    process.stdout.write(
      `Verifier "${verifier.name}" (${verifier.id}) created. Keep the key secret: it is not stored and cannot be shown again.\n${key}\n`,
    );
  });
});
