import { randomBytes } from 'node:crypto';
import { Api } from 'grammy';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/config';
import { freePort } from '../../infra/free-port';
import { type Chat, chatWith } from '../support/chat';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { ADMIN_URL } from '../support/postgres';
import { startRoleProcess, startTestService, type TestService } from '../support/service';
import { tcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const SECRET = randomBytes(16).toString('hex');
/** The statement that records an update as taken in: the crash comes right after it. */
const MARK = 'insert into "processed_updates"';
const GREETING = 'Здравствуйте';
/** The first webhook process's lease: far longer than the one request it must outlive. */
const LEASE_SECONDS = 20;

// The sandbox, API and worker here; bot processes of their own, killed and started.
const serviceOn = servicePerPlatform((platform) =>
  startTestService({ ROLES: 'api,worker,sandbox', KEY_ENCRYPTION_KEY: KEY }, { platform }),
);
/** The service of the suite running now, and a connection to its database. */
let t: TestService;
let sql: postgres.Sql;
let proxy: Awaited<ReturnType<typeof tcpProxy>> | undefined;
/** Processes a test started, killed afterwards if it failed before stopping them. */
const running = new Set<Bot>();
function useService(platform: Platform) {
  beforeAll(async () => {
    t = await serviceOn(platform);
    sql = postgres(t.databaseUrl, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
  });
}
afterEach(async () => {
  for (const bot of running) await kill(bot);
  await proxy?.close();
});

type Bot = Awaited<ReturnType<typeof startBot>>;

/** A bot process taking updates by long polling or by webhook, reaching PostgreSQL at `databaseUrl`. */
async function startBot(delivery: 'polling' | 'webhook', databaseUrl: string, leaseSeconds: number) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/telegram-webhook`;
  const started = startRoleProcess(t, {
    ROLES: 'bot',
    KEY_ENCRYPTION_KEY: KEY,
    DATABASE_URL: databaseUrl,
    UPDATE_LEASE_SECONDS: String(leaseSeconds),
    PORT: String(port),
    ...(delivery === 'webhook' ? { WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET } : {}),
  });
  const bot = { ...started, url };
  running.add(bot);
  await started.ready;
  return bot;
}

/**
 * A person sends /start to a bot process whose database stops answering it right after the
 * update's mark is committed: the process is stuck mid-update, as one about to be killed.
 */
async function stuckMidUpdate(delivery: 'polling' | 'webhook', leaseSeconds: number) {
  const server = new URL(ADMIN_URL);
  const db = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  proxy = db;
  const proxied = new URL(t.databaseUrl);
  proxied.port = String(db.port);
  const first = await startBot(delivery, proxied.toString(), leaseSeconds);
  const person = await t.sandbox.createPerson({ name: 'Анна' });
  const hung = db.hangAfter(MARK);
  const { updateId } = await t.sandbox.sendText(person.id, '/start');
  await hung;
  // The one update in hand (on MAX its id is the adapter's, not the sandbox's number).
  await waitFor(
    async () => (await sql`select 1 from processed_updates where state = 'handling'`).length === 1,
    'the mark of the update, committed',
  );
  return { first, person, chat: chatWith(t.sandbox, person.id), updateId: updateId as number };
}

async function kill(bot: Bot) {
  bot.child.kill('SIGKILL');
  await bot.exited;
  running.delete(bot);
}

/** Waits for the answer, stops the process (whatever it has in hand finishes), and counts the answers. */
async function answersOnceDone(chat: Chat, bot: Bot) {
  await waitFor(
    async () => (await chat.botMessages()).some((m) => m.text?.startsWith(GREETING)),
    'the answer to /start',
    45_000,
  );
  bot.child.kill('SIGTERM');
  await bot.exited;
  running.delete(bot);
  return (await chat.botMessages()).filter((m) => m.text?.startsWith(GREETING)).length;
}

describe.each(E2E_PLATFORMS)('a bot process on %s killed right after it marked an update', (platform) => {
  useService(platform);

  it('long polling: the next process answers it exactly once, though the messenger has forgotten it', async () => {
    const { first, chat } = await stuckMidUpdate('polling', 10);
    // The next poll has confirmed it (Telegram's offset, MAX's marker): it will never come again.
    await waitFor(async () => (await t.sandbox.pendingUpdates()) === 0, 'the messenger to forget the update');
    await kill(first);
    expect(await chat.botMessages()).toEqual([]);
    const second = await startBot('polling', t.databaseUrl, 2);
    expect(await answersOnceDone(chat, second)).toBe(1);
  }, 90_000);
});

describe('a Telegram bot process killed right after it marked an update, before it answered', () => {
  useService('telegram');

  it('webhook: refused while its holder lives, then answered exactly once by the next process', async () => {
    // The next process is up before the update is marked, so the lease has to outlive one
    // request, not a process's start-up (which on a loaded machine took longer than 30 s).
    // The first subscribes last: the messenger delivers the update to it.
    const second = await startBot('webhook', t.databaseUrl, 2);
    const { first, person, chat, updateId } = await stuckMidUpdate('webhook', LEASE_SECONDS);
    // The same update delivered to another process while the first holds it: "deliver it again later".
    const again = await fetch(second.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({
        update_id: updateId,
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          chat: { id: person.id, type: 'private', first_name: person.firstName },
          from: { id: person.id, is_bot: false, first_name: person.firstName },
          text: '/start',
        },
      }),
    });
    expect(again.status).toBe(503);
    // From now on the messenger delivers to the second, as a load balancer in front of both
    // would: its delivery to the first fails with it, and is refused until the lease lapses.
    const messenger = t.service.sandbox!;
    await new Api(messenger.token, { apiRoot: messenger.url }).setWebhook(second.url, {
      secret_token: SECRET,
    });
    await kill(first);
    expect(await chat.botMessages()).toEqual([]);
    expect(await answersOnceDone(chat, second)).toBe(1);
  }, 90_000);
});
