import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';

/** Thrown when another process holds the embedded database folder. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(readonly dir: string) {
    super(
      `The embedded database in ${dir} is in use by another process (probably \`npm start\`). ` +
        'PGlite serves one process at a time: stop the service first, or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

/**
 * PGlite has no server and no locking of its own: two processes opening one folder corrupt it.
 * A lock directory beside the data folder, refreshed while held, makes the second one refuse.
 */
export async function lockEmbeddedDatabase(dir: string): Promise<() => Promise<void>> {
  mkdirSync(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, {
      stale: 15_000,
      update: 5_000,
      realpath: false,
      onCompromised: (err) => {
        throw new Error(`Lost the lock on the embedded database ${dir}: ${err.message}`);
      },
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new EmbeddedDatabaseBusyError(dir);
    throw err;
  }
}
