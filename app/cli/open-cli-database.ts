import { type DatabaseHandle, openDatabase } from '../../db/client';
import { type Config, parseConfig } from '../config';

/**
 * The configuration a command-line tool needs: storage and secrets, read as the service reads
 * them. No messenger settings are required, so the tools run where the bot's are not set.
 */
export function cliConfig(): Config {
  return parseConfig({ ...process.env, ROLES: 'sandbox', BOT_TOKEN: undefined, BOT_API_ROOT: undefined });
}

/** Opens the database the service uses, for a command-line tool. */
export async function openCliDatabase(config: Config = cliConfig()): Promise<DatabaseHandle> {
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
