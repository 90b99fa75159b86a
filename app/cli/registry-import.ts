import { readFile } from 'node:fs/promises';
import { importRegistry } from '../../db/registry/import-registry';
import { parseRegistryFile } from '../../db/registry/registry-file';
import { openCliDatabase, runCli } from './open-cli-database';

/** `npm run registry:import -- FILE`: all or nothing; re-importing the same file changes nothing. */
await runCli(async () => {
  const file = process.argv[2];
  if (!file)
    throw new Error('Usage: npm run registry:import -- FILE (a JSON array of accounts, see README.md)');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const records = parseRegistryFile(text);
  const database = await openCliDatabase();
  try {
    await database.migrate();
    const summary = await importRegistry(database.db, records);
    process.stdout.write(
      `Imported ${summary.total} accounts: ${summary.created} new, ${summary.updated} updated, ${summary.unchanged} unchanged.\n`,
    );
  } finally {
    await database.close();
  }
});
