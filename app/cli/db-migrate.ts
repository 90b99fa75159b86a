import { openCliDatabase, runCli } from './open-cli-database';

/** `npm run db:migrate`: applies pending migrations (the service also does this on start-up). */
await runCli(async () => {
  const database = await openCliDatabase();
  try {
    await database.migrate();
    process.stdout.write(`Migrations applied (${database.kind}).\n`);
  } finally {
    await database.close();
  }
});
