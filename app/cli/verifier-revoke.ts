import { runCli } from './open-cli-database';
import { CLI_ACTOR, withVerifierKeys } from './verifier-keys-cli';

const USAGE = 'Usage: npm run verifier:revoke -- ID_OR_KEY (the id from npm run verifier:list, or the key).';

/**
 * `npm run verifier:revoke -- ID_OR_KEY` revokes a verifier key by its id or by the key itself.
 * Every API process refuses it at once (401); the revocation is in the audit trail.
 */
await runCli(async () => {
  const args = process.argv.slice(2);
  if (args.length !== 1) throw new Error(USAGE);
  await withVerifierKeys(async (keys) => {
    const revocation = await keys.revoke(args[0] as string, {
      actor: CLI_ACTOR,
      action: 'cli.revoke_verifier_key',
    });
    if (revocation.outcome === 'unknown') throw new Error(`There is no such verifier key. ${USAGE}`);
    const { id, name } = revocation.verifier;
    if (revocation.outcome === 'already_revoked') {
      process.stdout.write(`Verifier "${name}" (${id}) was already revoked.\n`);
      return;
    }
    process.stdout.write(`Verifier "${name}" (${id}) is revoked.\n`);
    if (revocation.staleForSeconds > 0)
      process.stderr.write(
        `Redis could not be reached: running API processes stop accepting the key within ${revocation.staleForSeconds} s.\n`,
      );
  });
});
