import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/free-port';
import { withOneShotRedis } from '../../infra/redis';
import { SandboxClient } from '../../sandbox/client';
import { chatWith, latestCode } from '../support/chat';
import { openDigitalId } from '../support/digital-id';
import { createTestDatabase } from '../support/postgres';
import { runScript, startScript } from '../support/run-process';
import { waitFor } from '../support/wait';

let dir: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
/** Where the service looks for a Redis when REDIS_URL is unset: a port nothing listens on. */
let nobodyHome: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gms-private-redis-'));
  database = await createTestDatabase();
  nobodyHome = `redis://127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** `npm start` with REDIS_URL unset and no Redis at the default address. */
function startWithoutRedis(redisDir: string) {
  return startScript(
    'app/main.ts',
    {
      DATABASE_URL: database.url,
      REDIS_DEFAULT_URL: nobodyHome,
      REDIS_PRIVATE_DIR: redisDir,
      PORT: '0',
      SANDBOX_PORT: '0',
      QR_REFRESH_SECONDS: '1',
      LOG_LEVEL: 'info',
    },
    /HTTP API is at http:\/\/[\d.]+:\d+/,
  );
}

/** What the service said about its private Redis, and where its sandbox and API are. */
function startedWith(output: string) {
  const line = output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; url?: string; pid?: number })
    .find((e) => e.msg.startsWith(`No Redis at ${nobodyHome} and REDIS_URL is unset: started a private one`));
  if (!line?.url || !line.pid) throw new Error(`no word of a private Redis in:\n${output}`);
  return {
    redisUrl: line.url,
    pid: line.pid,
    sandboxUrl: /sandbox messenger in a browser: (http:\/\/[\d.:]+)/.exec(output)?.[1] as string,
    httpUrl: /HTTP API is at (http:\/\/[\d.:]+)/.exec(output)?.[1] as string,
  };
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** After a failed assertion: the service, and its Redis, which a SIGKILL would leave behind. */
function stopAnyway(service: ChildProcess, redisPid: number) {
  service.kill('SIGKILL');
  if (redisPid && isRunning(redisPid)) process.kill(redisPid, 'SIGTERM');
}

describe('npm start without a Redis', () => {
  it('starts one of its own, runs its jobs on it, keeps its data across a restart, and stops it with itself', async () => {
    const redisDir = join(dir, 'redis');
    const first = startWithoutRedis(redisDir);
    let pid = 0;
    try {
      const at = startedWith(await first.ready);
      pid = at.pid;
      expect(at.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${at.httpUrl}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });

      // The Digital ID is re-signed by a chain of delayed jobs: an edit proves the queue works.
      const sandbox = new SandboxClient(at.sandboxUrl);
      const phone = '+79990000001';
      const person = await sandbox.createPerson({ name: 'Иван', phone });
      const chat = chatWith(sandbox, person.id);
      await chat.say('/link');
      await chat.shareContact();
      await chat.ask(await latestCode(sandbox, phone), 'Готово');
      const photo = await openDigitalId(chat, 'adult');
      await waitFor(async () => {
        const { messages } = await sandbox.chat(person.id);
        return messages.some((m) => m.messageId === photo.messageId && m.edits > 0);
      }, 'the refresh job to re-sign the QR');
      await withOneShotRedis(at.redisUrl, (redis) => redis.set('test:kept', 'across a restart'));

      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(isRunning(pid)).toBe(false);
    } finally {
      stopAnyway(first.child, pid);
    }
    expect((await readdir(join(redisDir, 'appendonlydir'))).some((f) => f.endsWith('.aof'))).toBe(true);

    const second = startWithoutRedis(redisDir);
    let secondPid = 0;
    try {
      const at = startedWith(await second.ready);
      secondPid = at.pid;
      expect(at.pid).not.toBe(pid);
      expect(await withOneShotRedis(at.redisUrl, (redis) => redis.get('test:kept'))).toBe('across a restart');
      const ready = await fetch(`${at.httpUrl}/readyz`);
      expect(ready.status).toBe(200);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(isRunning(at.pid)).toBe(false);
    } finally {
      stopAnyway(second.child, secondPid);
    }
  }, 120_000);

  it('stops the private Redis a killed run left behind before starting its own on the same data', async () => {
    const redisDir = join(dir, 'orphaned');
    const killed = startWithoutRedis(redisDir);
    const orphan = startedWith(await killed.ready).pid;
    // SIGKILL leaves no chance to stop anything: its Redis lives on, on the same folder.
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(isRunning(orphan)).toBe(true);

    const next = startWithoutRedis(redisDir);
    let pid = 0;
    try {
      const output = await next.ready;
      pid = startedWith(output).pid;
      expect(output).toContain('stopped a private Redis an earlier run of the service left behind');
      expect(isRunning(orphan)).toBe(false);
      next.child.kill('SIGTERM');
      expect(await next.exited).toBe(0);
      expect(isRunning(pid)).toBe(false);
    } finally {
      stopAnyway(next.child, pid);
      if (isRunning(orphan)) process.kill(orphan, 'SIGTERM');
    }
  }, 120_000);

  it('lets a second service of the same checkout share the running Redis, never stopping it', async () => {
    const redisDir = join(dir, 'shared');
    const first = startWithoutRedis(redisDir);
    let pid = 0;
    try {
      const at = startedWith(await first.ready);
      pid = at.pid;
      const second = startWithoutRedis(redisDir);
      try {
        expect(await second.ready).toContain(
          `Using the private Redis another running service started at ${at.redisUrl}`,
        );
        second.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
      } finally {
        second.child.kill('SIGKILL');
      }
      // The second one's stop left the first one's Redis alone.
      expect(isRunning(pid)).toBe(true);
      expect(await withOneShotRedis(at.redisUrl, (redis) => redis.ping())).toBe('PONG');
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(isRunning(pid)).toBe(false);
    } finally {
      stopAnyway(first.child, pid);
    }
  }, 120_000);

  it('takes no owner file on trust: a live pid that is not the owner any more (a reboot since) is stale', async () => {
    const redisDir = join(dir, 'stale-owner');
    await mkdir(redisDir);
    // This test's own pid is alive, but it is not the process that wrote the file.
    await writeFile(
      join(redisDir, 'owner.json'),
      JSON.stringify({ pid: process.pid, boot: 'another boot', start: '1', url: 'redis://127.0.0.1:1' }),
    );
    const service = startWithoutRedis(redisDir);
    let pid = 0;
    try {
      pid = startedWith(await service.ready).pid;
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    } finally {
      stopAnyway(service.child, pid);
    }
  }, 120_000);

  it('exits 1 with the last lines of its Redis when that Redis cannot start', async () => {
    // A data folder Redis cannot keep its append-only files in (a file where their folder goes):
    // unlike a folder without write permission, this stops root too.
    const redisDir = join(dir, 'unusable');
    await mkdir(redisDir);
    await writeFile(join(redisDir, 'appendonlydir'), '');
    const result = await runScript('app/main.ts', [], {
      DATABASE_URL: database.url,
      REDIS_DEFAULT_URL: nobodyHome,
      REDIS_PRIVATE_DIR: redisDir,
      PORT: '0',
      SANDBOX_PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The private Redis (redis-server on 127.0.0.1:`);
    expect(result.stderr).toContain("Can't open or create append-only dir appendonlydir: Not a directory");
    expect(result.stderr).toContain('point REDIS_URL at a running Redis');
    expect(result.stderr).not.toContain('    at ');
  }, 120_000);

  it('says how to get a Redis when redis-server is not installed either', async () => {
    const result = await runScript('app/main.ts', [], {
      PATH: join(dir, 'no-such-bin'),
      DATABASE_URL: database.url,
      REDIS_DEFAULT_URL: nobodyHome,
      REDIS_PRIVATE_DIR: join(dir, 'never'),
      PORT: '0',
      SANDBOX_PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Redis is not reachable at ${nobodyHome}`);
    expect(result.stderr).toContain('apt-get install redis-server');
  }, 120_000);
});
