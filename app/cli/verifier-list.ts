import { runCli } from './open-cli-database';
import { withVerifierKeys } from './verifier-keys-cli';

/**
 * `npm run verifier:list`: one key a line, tab-separated: id, name, created, last used (or `-`),
 * `active` or `revoked` (PRODUCT.md §9). Never the key itself: only its hash is stored.
 */
await runCli(() =>
  withVerifierKeys(async (keys) => {
    for (const k of await keys.list()) {
      const line = [
        k.id,
        k.name,
        k.createdAt.toISOString(),
        k.lastUsedAt?.toISOString() ?? '-',
        k.revokedAt ? 'revoked' : 'active',
      ];
      process.stdout.write(`${line.join('\t')}\n`);
    }
  }),
);
