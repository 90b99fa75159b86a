import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/free-port';
import { chatWith } from '../support/chat';
import { ADMIN_URL } from '../support/postgres';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { tcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const UNAVAILABLE = 'Ваше сообщение не потеряется';

let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let t: TestService;
let bot: ReturnType<typeof startRoleProcess>;
beforeAll(async () => {
  const server = new URL(ADMIN_URL);
  proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  t = await startTestService({ ROLES: 'api,worker,sandbox', KEY_ENCRYPTION_KEY: KEY });
  // The bot process reaches the database through the proxy, and takes updates by webhook.
  const port = await freePort();
  const database = new URL(t.databaseUrl);
  database.port = String(proxy.port);
  bot = startRoleProcess(t, {
    ROLES: 'bot',
    KEY_ENCRYPTION_KEY: KEY,
    DATABASE_URL: database.toString(),
    PORT: String(port),
    WEBHOOK_URL: `http://127.0.0.1:${port}/telegram-webhook`,
    WEBHOOK_SECRET: randomBytes(16).toString('hex'),
  });
  await bot.ready;
}, 120_000);
afterAll(async () => {
  await proxy?.restore().catch(() => {});
  bot?.child.kill('SIGTERM');
  await bot?.exited;
  await t?.stop();
  await proxy?.close();
});

describe('a webhook bot while PostgreSQL is away', () => {
  it('tells the person once, has the messenger deliver again, and answers once it is back', async () => {
    const person = await t.sandbox.createPerson({ name: 'Анна' });
    const chat = chatWith(t.sandbox, person.id);
    await chat.ask('/start', 'Здравствуйте');

    await proxy.cut();
    const before = (await chat.botMessages()).length;
    expect((await chat.say('/help')).text).toContain(UNAVAILABLE);
    // The messenger was answered 503 and keeps the update to deliver again.
    const info = await waitFor(async () => {
      const sandbox = t.service.sandbox!;
      const { result } = (await (
        await fetch(`${sandbox.url}/bot${sandbox.token}/getWebhookInfo`)
      ).json()) as {
        result: { pending_update_count: number; last_error_message?: string };
      };
      return result.last_error_message?.includes('503') && result;
    }, 'the webhook to answer 503');
    expect(info.pending_update_count).toBeGreaterThan(0);
    await proxy.restore();
    await chat.waitForText('Что умеет бот');
    const answers = (await chat.botMessages()).slice(before).map((m) => m.text ?? '');
    expect(answers.filter((text) => text.includes(UNAVAILABLE))).toHaveLength(1);
    expect(answers.filter((text) => text.startsWith('Что умеет бот'))).toHaveLength(1);
  }, 90_000);
});
