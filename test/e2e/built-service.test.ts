import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxClient } from '../../sandbox/client';
import { plainPng } from '../support/images';
import { linkedPerson } from '../support/linking';
import { createTestDatabase } from '../support/postgres';
import { REDIS_URL, testQueuePrefix } from '../support/redis';
import { plainNode, ROOT, runScript, startScript } from '../support/run-process';

// `npm run build` into a folder of the test's own, run as the image runs it: plain node, no tsx,
// from outside the checkout. Only node_modules is shared, as the image installs it beside dist/.
let dir: string;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const queue = testQueuePrefix();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gms-built-'));
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const built = await runScript('scripts/build.mjs', ['--outdir', join(dir, 'dist')], {}, plainNode(ROOT));
  expect(built.stderr).toBe('');
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  await queue.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe('the built service', () => {
  it('migrates with its own tool, then starts, answers /readyz and serves what it reads from disk', async () => {
    // As compose's migrate service runs it: production settings, no messenger.
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      KEY_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    };
    const migrated = await runScript('dist/app/cli/db-migrate.js', [], production, plainNode(dir));
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toContain('Migrations applied (postgres).');

    const service = startScript(
      'dist/app/main.js',
      {
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        REDIS_URL,
        QUEUE_PREFIX: queue.prefix,
        PORT: '0',
        SANDBOX_PORT: '0',
        SANDBOX_RATE_PER_SECOND: '0',
      },
      /HTTP API is at http:\/\/[\d.:]+/,
      plainNode(dir),
    );
    try {
      const output = await service.ready;
      const httpUrl = /HTTP API is at (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
      const ready = await fetch(`${httpUrl}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });

      // The sandbox page, the bot's texts and the QR reader's worker thread all come from files
      // beside the code: each answers only if the build put it where the code looks.
      const sandboxUrl = /sandbox messenger in a browser: (http:\/\/[\d.:]+)/.exec(output)?.[1] as string;
      expect(await (await fetch(`${sandboxUrl}/`)).text()).toContain('<html lang="ru">');
      // The Mini Apps' scripts, and ZXing's WebAssembly the scanner falls back to.
      for (const [asset, type] of [
        ['scan.js', 'text/javascript; charset=utf-8'],
        ['mini-app.js', 'text/javascript; charset=utf-8'],
        ['zxing_reader.wasm', 'application/wasm'],
      ])
        expect((await fetch(`${httpUrl}/app/assets/${asset}`)).headers.get('content-type')).toBe(type);
      const cashier = await linkedPerson(
        { sandbox: new SandboxClient(sandboxUrl) },
        'Светлана',
        '+79990000012',
      );
      const choice = await cashier.chat.say('/verify');
      expect(choice.inlineKeyboard?.flat().map((b) => b.text)).toContain('возраст 18+');
      await cashier.chat.tap(choice.messageId, 'ver:adult');
      await cashier.chat.waitForText('Проверяем:');
      expect((await cashier.chat.sendPhoto(plainPng())).text).toBe(
        'На фото не найден QR-код. Сфотографируйте код ближе и ровнее, без бликов.',
      );

      service.child.kill('SIGTERM');
      // With the log beside the code, so a stop that fails says why.
      const code = await service.exited;
      expect({ code, log: code === 0 ? '' : service.output().slice(-4000) }).toEqual({ code: 0, log: '' });
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 90_000);
});
