import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config';
import { startService } from '../../app/service';
import { demoRegistry } from '../../db/registry/demo-registry';
import { formatRegistryFile } from '../../db/registry/registry-file';
import { countAccounts } from '../../db/registry/registry-size';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { startSandbox } from '../../sandbox/server';
import { createTestDatabase } from '../support/postgres';
import { REDIS_URL, testQueuePrefix } from '../support/redis';
import { runScript, startScript } from '../support/run-process';
import { waitFor } from '../support/wait';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gms-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('starting the service', () => {
  // Each bad start says what is wrong in plain words, with exit code 1 and no stack trace.
  it.each<{ what: string; env: Record<string, string>; says: string[]; never: string[] }>([
    {
      what: 'a malformed environment, naming every problem',
      env: { PORT: 'x', ROLES: 'bot,cook', BOT_API_ROOT: 'http://127.0.0.1:1' },
      says: ['PORT:', 'ROLES: unknown role "cook"'],
      never: [],
    },
    {
      what: 'Redis out of reach, and how to get one, without its password',
      env: {
        REDIS_URL: 'redis://app:s3cret@127.0.0.1:1',
        PGLITE_DIR: 'no-redis',
        PORT: '0',
        SANDBOX_PORT: '0',
      },
      says: ['Redis is not reachable at redis://app:***@127.0.0.1:1', 'apt-get install redis-server'],
      never: ['s3cret'],
    },
    {
      what: 'PostgreSQL out of reach, without its password',
      env: { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none', PORT: '0', SANDBOX_PORT: '0' },
      says: ['PostgreSQL is not reachable at postgres://nobody:***@127.0.0.1:1/none'],
      never: ['secret'],
    },
    {
      what: 'production settings that would run the sandbox, or talk plain http, naming each variable',
      env: {
        NODE_ENV: 'production',
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        PUBLIC_URL: 'https://id.example.ru',
        SMS_HTTP_URL: 'http://sms.example.ru/send',
        WEBHOOK_URL: 'https://bot.example.ru/hook',
        WEBHOOK_SECRET: 'tooShortSecret',
      },
      says: [
        'BOT_TOKEN: production never runs the sandbox messenger',
        'WEBHOOK_SECRET must be at least 16 characters',
        'SMS_HTTP_URL must be an https:// URL',
      ],
      never: ['tooShortSecret'],
    },
  ])('refuses to start on $what', async ({ env, says, never }) => {
    // The temporary folder exists only once the suite runs, so the table names a folder inside it.
    const pglite: Record<string, string> = env.PGLITE_DIR ? { PGLITE_DIR: join(dir, env.PGLITE_DIR) } : {};
    const result = await runScript('app/main.ts', [], { ...env, ...pglite });
    expect(result.code).toBe(1);
    for (const text of says) expect(result.stderr).toContain(text);
    for (const text of [...never, '    at ']) expect(result.stderr).not.toContain(text);
  });

  it('runs on the embedded database, where the command-line tools wait their turn', async () => {
    const pgliteDir = join(dir, 'pglite');
    const queue = testQueuePrefix();
    const env = {
      PGLITE_DIR: pgliteDir,
      REDIS_URL,
      QUEUE_PREFIX: queue.prefix,
      PORT: '0',
      SANDBOX_PORT: '0',
    };
    const registry = join(dir, 'registry.json');
    const [a, b] = demoRegistry('2026-11-22');
    await writeFile(
      registry,
      formatRegistryFile([
        { ...a!, id: 'cli-1', phone: '+79995550001' },
        { ...b!, id: 'cli-2', phone: '+79995550002' },
      ]),
    );
    const service = startScript('app/main.ts', env, /HTTP API is at http:\/\/[\d.]+:\d+/);
    try {
      const output = await service.ready;
      const sandboxUrl = /sandbox messenger in a browser: (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
      const people = new SandboxClient(sandboxUrl);
      const ivan = await people.createPerson({ name: 'Иван' });
      await people.sendText(ivan.id, '/start');
      await waitFor(
        async () => (await people.chat(ivan.id)).messages.some((m) => m.from === 'bot'),
        'the greeting',
      );

      const httpUrl = /HTTP API is at (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
      const page = await fetch(`${httpUrl}/v/AQEAAAAB`);
      expect(await page.text()).toContain('Не подтверждено');
      const unauthorized = await fetch(`${httpUrl}/api/v1/verify`, { method: 'POST' });
      expect(unauthorized.status).toBe(401);

      for (const [tool, args] of [
        ['app/cli/registry-import.ts', [registry]],
        ['app/cli/verifier-create.ts', ['Касса']],
      ] as const) {
        const refused = await runScript(tool, [...args], { PGLITE_DIR: pgliteDir });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('is in use by another process');
        expect(refused.stderr).toContain('stop the service first, or set DATABASE_URL');
      }

      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
      const imported = await runScript('app/cli/registry-import.ts', [registry], { PGLITE_DIR: pgliteDir });
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toContain('Imported 2 accounts: 2 new, 0 updated, 0 unchanged.');
      const created = await runScript('app/cli/verifier-create.ts', ['Касса', '№1'], {
        PGLITE_DIR: pgliteDir,
      });
      expect(created.stdout).toContain('Verifier "Касса №1"');
      expect(created.stdout.trim().split('\n').at(-1)).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
    } finally {
      service.child.kill('SIGKILL');
      await queue.cleanup();
    }
  }, 90_000);

  it('imports a registry and rotates signing keys from the command line, on PostgreSQL', async () => {
    const database = await createTestDatabase();
    try {
      const good = join(dir, 'good.json');
      const bad = join(dir, 'bad.json');
      const accounts = demoRegistry('2026-11-22');
      await writeFile(good, formatRegistryFile(accounts));
      await writeFile(
        bad,
        formatRegistryFile([...accounts.slice(0, 3), { ...accounts[3]!, phone: '8 999 000-00-04' }]),
      );
      const env = { DATABASE_URL: database.url };
      const rejected = await runScript('app/cli/registry-import.ts', [bad], env);
      expect(rejected.code).toBe(1);
      expect(rejected.stderr).toContain('index 3, field phone: must be a Russian mobile number');
      const first = await runScript('app/cli/registry-import.ts', [good], env);
      expect(first.stdout).toContain('Imported 12 accounts: 12 new, 0 updated, 0 unchanged.');
      const again = await runScript('app/cli/registry-import.ts', [good], env);
      expect(again.stdout).toContain('Imported 12 accounts: 0 new, 0 updated, 12 unchanged.');
      const missing = await runScript('app/cli/registry-import.ts', [], env);
      expect(missing.stderr).toContain('Usage: npm run registry:import -- FILE');
      const keyEnv = { ...env, KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
      const rotated = await runScript('app/cli/keys.ts', ['rotate'], keyEnv);
      expect(rotated.stdout).toContain('Key 2 is now active; key 1 is retired and still published.');
      const listed = await runScript('app/cli/keys.ts', ['list'], keyEnv);
      expect(listed.stdout).toMatch(/kid 1\tretired/);
      expect(listed.stdout).toMatch(/kid 2\tactive/);
      const tooSoon = await runScript('app/cli/keys.ts', ['remove', '1'], keyEnv);
      expect(tooSoon.code).toBe(1);
      expect(tooSoon.stderr).toContain('Key 1 was not removed: tokens it signed may still be valid');
      const active = await runScript('app/cli/keys.ts', ['remove', '2'], keyEnv);
      expect(active.stderr).toContain('only a retired key can be removed');
      const wrongKey = await runScript('app/cli/keys.ts', ['rotate'], {
        ...env,
        KEY_ENCRYPTION_KEY: Buffer.alloc(32, 8).toString('base64'),
      });
      expect(wrongKey.code).toBe(1);
      expect(wrongKey.stderr).toContain('KEY_ENCRYPTION_KEY is not the key it was sealed with');
      // KEY_ENCRYPTION_KEY rotation: after rekey only the new key opens the signing keys.
      const newKey = Buffer.alloc(32, 9).toString('base64');
      const rekeyed = await runScript('app/cli/keys.ts', ['rekey'], {
        ...keyEnv,
        NEW_KEY_ENCRYPTION_KEY: newKey,
      });
      expect(rekeyed.stdout).toContain('2 signing key(s) are now sealed with the new key.');
      expect((await runScript('app/cli/keys.ts', ['rotate'], keyEnv)).stderr).toContain(
        'KEY_ENCRYPTION_KEY is not the key it was sealed with',
      );
      expect(
        (await runScript('app/cli/keys.ts', ['rotate'], { ...env, KEY_ENCRYPTION_KEY: newKey })).stdout,
      ).toContain('Key 3 is now active');
      expect((await runScript('app/cli/keys.ts', ['bogus'], keyEnv)).stderr).toContain(
        'Usage: npm run keys -- list | rotate | remove KID',
      );
      // Each change an operator made is in the audit trail; the refused ones left no row.
      const sql = postgres(database.url, { max: 1 });
      try {
        const rows = await sql`select action, subject_id from audit_events where actor = 'cli' order by at`;
        expect(rows.map((r) => `${r.action} ${r.subject_id}`)).toEqual([
          'cli.rotate_key 2',
          'cli.rekey *',
          'cli.rotate_key 3',
        ]);
      } finally {
        await sql.end();
      }
    } finally {
      await database.drop();
    }
  }, 120_000);

  it('drives an outside Bot API server when BOT_TOKEN and BOT_API_ROOT are set, starting no sandbox', async () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => lines.push(line) });
    const outside = await startSandbox({ port: 0, ratePerSecond: 0, logger });
    const database = await createTestDatabase();
    const queue = testQueuePrefix();
    const config = parseConfig({
      BOT_TOKEN: outside.token,
      BOT_API_ROOT: outside.url,
      SMS_HTTP_URL: outside.smsUrl,
      DATABASE_URL: database.url,
      REDIS_URL,
      QUEUE_PREFIX: queue.prefix,
      PORT: '0',
    });
    const service = await startService(config, logger);
    try {
      expect(service.sandbox).toBeNull();
      // NODE_ENV was left unset with a real token: development, said loudly.
      expect(lines.map((l) => JSON.parse(l).msg)).toContainEqual(
        expect.stringMatching(/^WARNING: NODE_ENV is not set/),
      );
      // The demo registry comes only with the sandbox.
      expect(await countAccounts(service.backend!.database.db)).toBe(0);
      const people = new SandboxClient(outside.url);
      const john = await people.createPerson({ name: 'John', languageCode: 'en' });
      await people.sendText(john.id, '/start');
      const reply = await waitFor(
        async () => (await people.chat(john.id)).messages.find((m) => m.from === 'bot'),
        'the greeting',
      );
      expect(reply.text).toContain('Hello, John!');
      const ready = await fetch(`${service.httpUrl}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
      const metrics = await (await fetch(`${service.httpUrl}/metrics`)).text();
      expect(metrics).toMatch(/bot_updates_total\{type="message"\} 1/);
    } finally {
      await service.stop();
      await outside.close();
      await queue.cleanup();
      await database.drop();
    }
  });
});

describe('a process that only runs the sandbox', () => {
  it('needs neither the database nor Redis, and still serves health and metrics', async () => {
    const config = parseConfig({
      ROLES: 'sandbox',
      PORT: '0',
      SANDBOX_PORT: '0',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const service = await startService(config, createLogger('silent'));
    try {
      expect(service.backend).toBeNull();
      expect(await (await fetch(`${service.httpUrl}/readyz`)).json()).toEqual({
        status: 'ready',
        checks: {},
      });
      expect((await fetch(`${service.httpUrl}/metrics`)).status).toBe(200);
      const people = new SandboxClient(service.sandbox!.url);
      expect((await people.createPerson({ name: 'Ася' })).firstName).toBe('Ася');
    } finally {
      await service.stop();
    }
  });
});
