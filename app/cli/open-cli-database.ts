import { type DatabaseHandle, openDatabase } from '../../db/client';
import { type Config, parseConfig } from '../config';

/**
 * The configuration a command-line tool needs: storage and secrets, read as the service reads
 * them. A tool runs no role, so neither the messenger's settings nor the sandbox come into it:
 * the tools run where the bot's are not set, and in production (the image's migrate service).
 */
export function cliConfig(source: Record<string, string | undefined> = process.env): Config {
  return parseConfig({ ...source, BOT_TOKEN: undefined, BOT_API_ROOT: undefined }, { roles: new Set() });
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
