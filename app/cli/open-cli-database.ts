import { type DatabaseHandle, openDatabase } from '../../db/client';
import { parseConfig } from '../config';

/**
 * Opens the database the service uses, for a command-line tool. Only storage settings
 * matter here, so the rest of the configuration is not required.
 */
export async function openCliDatabase(): Promise<DatabaseHandle> {
  const config = parseConfig({
    ...process.env,
    ROLES: 'sandbox',
    BOT_TOKEN: undefined,
    BOT_API_ROOT: undefined,
  });
  return openDatabase(config.storage);
}

/** Runs a tool: its errors are printed as plain sentences with exit code 1, not stack traces. */
export async function runCli(tool: () => Promise<void>): Promise<void> {
  try {
    await tool();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
