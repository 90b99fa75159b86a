import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Bot } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../bot/context';
import { createI18n } from '../../bot/i18n';
import { UpdateInHand } from '../../bot/middleware/update-inbox';
import { type MaxClient, maxClient } from '../../bot/platform/max/client';
import { maxFileDownloader } from '../../bot/platform/max/file-download';
import type { MarkerCursor } from '../../bot/platform/max/message-store';
import { maxUpdatePoller } from '../../bot/platform/max/transport-updates';
import { maxWebhook } from '../../bot/platform/max/webhook';
import { updateFailures } from '../../bot/update-failures';
import { normalizeRussianPhone } from '../../core/identity/phone';
import { type DatabaseHandle, openDatabase } from '../../db/client';
import { messengerCursorRepository } from '../../db/repositories/messenger-cursor.repository';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { createTestDatabase } from '../support/postgres';
import { waitFor } from '../support/wait';

// The incoming half of the MAX adapter against the sandbox speaking MAX, with the cursor in
// PostgreSQL: long polling that acknowledges a batch only once it was handled, and the webhook.

let sandbox: Sandbox;
let people: SandboxClient;
let client: MaxClient;
let handle: DatabaseHandle;
let dropDatabase: () => Promise<void>;
let cursor: MarkerCursor;
const logLines: string[] = [];
const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  people = new SandboxClient(sandbox.url);
  client = maxClient({ root: sandbox.url, token: sandbox.token });
  const database = await createTestDatabase();
  dropDatabase = database.drop;
  handle = await openDatabase({ kind: 'postgres', url: database.url });
  await handle.migrate();
  cursor = messengerCursorRepository(handle.db);
});
afterAll(async () => {
  await sandbox?.close();
  await handle?.close();
  await dropDatabase?.();
});

const botId = () => sandbox.world.bot.id;
/**
 * The poller driven as grammY's runner drives it: each call carries the offset of the last
 * batch it took in (its last update id + 1), which is what commits a batch on MAX.
 */
function poller() {
  const p = maxUpdatePoller({ client, cursor, botId, logger });
  let offset = 0;
  return {
    async getUpdates(params: { timeout: number }, takenIn = true) {
      const batch = await p.getUpdates({ ...params, offset });
      const last = batch.at(-1);
      if (last && takenIn) offset = last.update_id + 1;
      return batch;
    },
  };
}
const png = (text: string) => QRCode.toBuffer(text, { width: 120 });

/** Sends the person a message with one button, as the bot would. */
async function buttonFor(personId: number): Promise<number> {
  await client.call('POST', '/messages', {
    query: { user_id: personId },
    body: {
      text: 'Меню',
      attachments: [
        {
          type: 'inline_keyboard',
          payload: { buttons: [[{ type: 'callback', text: 'Открыть', payload: 'menu:open' }]] },
        },
      ],
    },
  });
  const entry = (await people.chat(personId)).messages.at(-1);
  return entry?.messageId as number;
}

describe('long polling', () => {
  it('gets a person message and then their press; the marker is saved only on the next call', async () => {
    const first = poller();
    const person = await people.createPerson({ name: 'Дина' });
    await people.sendText(person.id, 'привет');
    const said = await first.getUpdates({ timeout: 5 });
    expect(said).toHaveLength(1);
    expect(said[0]?.message).toMatchObject({
      text: 'привет',
      from: { id: person.id },
      chat: { type: 'private' },
    });
    expect(said[0]?.message?.chat.id).not.toBe(person.id);
    // Not yet handled as far as the poller knows: nothing is acknowledged.
    expect(await cursor.load(botId())).toBeNull();

    const messageId = await buttonFor(person.id);
    await people.tap(person.id, messageId, 'menu:open');
    const pressed = await first.getUpdates({ timeout: 5 });
    expect(pressed.map((u) => u.callback_query?.data)).toEqual(['menu:open']);
    expect(pressed[0]?.callback_query?.message?.chat.id).toBe(said[0]?.message?.chat.id);
    // Kept in the background: no poll waits for the database.
    await waitFor(async () => /^\d+$/.test((await cursor.load(botId())) ?? ''), 'the marker kept');
  });

  it('after a restart, the handled batch does not come again and the unhandled one does', async () => {
    const restarted = poller();
    const again = await restarted.getUpdates({ timeout: 1 });
    expect(again.map((u) => (u.callback_query ? 'press' : 'message'))).toEqual(['press']);
    // This call acknowledges the press: a second restart finds nothing left.
    expect(await restarted.getUpdates({ timeout: 1 })).toEqual([]);
    expect(await poller().getUpdates({ timeout: 1 })).toEqual([]);
  });

  it('a photo is downloadable by its file id, within the byte limit, and a contact carries its number', async () => {
    const person = await people.createPerson({ name: 'Ева', phone: '+79161234567' });
    const image = await png('verify me');
    await people.sendPhoto(person.id, image);
    await people.shareContact(person.id);
    const updates: Update[] = [];
    const p = poller();
    await waitFor(async () => {
      updates.push(...(await p.getUpdates({ timeout: 2 })));
      return updates.length >= 2;
    }, 'the photo and the contact');
    const photo = updates[0]?.message?.photo?.[0];
    const download = maxFileDownloader({ allowHttp: true });
    const bytes = await download(undefined as never, photo?.file_id as string, 1_000_000);
    expect(Buffer.from(bytes as Uint8Array).equals(image)).toBe(true);
    expect(await download(undefined as never, photo?.file_id as string, image.length - 1)).toBeNull();
    expect(await download(undefined as never, 'file:///etc/passwd', 1_000_000)).toBeNull();
    // Off the sandbox, only https: an http address (inside the network, say) is never fetched.
    const real = maxFileDownloader({ allowHttp: false });
    expect(await real(undefined as never, photo?.file_id as string, 1_000_000)).toBeNull();
    const contact = updates[1]?.message?.contact;
    expect(contact?.user_id).toBe(person.id);
    expect(normalizeRussianPhone(contact?.phone_number ?? '')).toBe('+79161234567');
    // Handled: the next call acknowledges the batch.
    await p.getUpdates({ timeout: 0 });
  });

  it('asks only for the types it handles: a group the bot was added to does not come', async () => {
    const person = await people.createPerson({ name: 'Жанна' });
    await people.createGroup({ title: 'Семья', members: [person.id] });
    await people.sendText(person.id, 'после группы');
    const got = await poller().getUpdates({ timeout: 2 });
    expect(got.map((u) => u.message?.text)).toEqual(['после группы']);
  });

  it('polls a batch again, uncommitted, when the runner did not take it in', async () => {
    const p = poller();
    await p.getUpdates({ timeout: 0 }); // what earlier tests left
    const person = await people.createPerson({ name: 'Фёдор' });
    await people.sendText(person.id, 'раз');
    // The intake did not finish (the process stopped first, say): the runner's offset stays put.
    const lost = await p.getUpdates({ timeout: 5 }, false);
    expect(lost.map((u) => u.message?.text)).toEqual(['раз']);
    const again = await p.getUpdates({ timeout: 5 });
    expect(again.map((u) => u.update_id)).toEqual(lost.map((u) => u.update_id));
    await p.getUpdates({ timeout: 0 });
    expect(await poller().getUpdates({ timeout: 0 })).toEqual([]);
  });
});

describe('webhook', () => {
  const SECRET = 'max_hook_secret-1';
  let server: FastifyInstance;
  let url: string;
  const handled: Update[] = [];

  beforeAll(async () => {
    server = Fastify();
    server.post(
      '/max-hook',
      maxWebhook(hookDeps(false)).handler(async (u) => void handled.push(u)),
    );
    await server.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/max-hook`;
  });
  afterAll(async () => {
    await server?.close();
  });

  function hookDeps(unsubscribeOnStop: boolean) {
    return { client, url, secret: SECRET, unsubscribeOnStop, botId, logger };
  }
  const subscriptions = async () =>
    (await client.call<{ subscriptions: { url: string }[] }>('GET', '/subscriptions')).subscriptions.map(
      (s) => s.url,
    );
  const deliver = (headers: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        update_type: 'message_created',
        timestamp: Date.now(),
        message: {
          sender: { user_id: 1, first_name: 'Злоумышленник', is_bot: false },
          recipient: { chat_id: 2, chat_type: 'dialog', user_id: botId() },
          timestamp: Date.now(),
          body: { mid: 'mid.forged', seq: 1, text: '/unlink' },
        },
      }),
    });

  it('subscribes, and a delivery with the secret reaches the bot', async () => {
    await maxWebhook(hookDeps(false)).subscribe();
    expect(await subscriptions()).toEqual([url]);
    const person = await people.createPerson({ name: 'Ирина' });
    await people.sendText(person.id, 'по вебхуку');
    const update = await waitFor(() => handled.find((u) => u.message?.text === 'по вебхуку'), 'the delivery');
    expect(update.message?.from?.id).toBe(person.id);
  });

  it('a delivery with a wrong or missing secret is 401 and reaches nothing; nothing logged holds the secret', async () => {
    const before = handled.length;
    expect((await deliver({ 'x-max-bot-api-secret': 'max_hook_secret-2' })).status).toBe(401);
    expect((await deliver({ 'x-max-bot-api-secret': 'short' })).status).toBe(401);
    expect((await deliver({})).status).toBe(401);
    expect(handled.length).toBe(before);
    expect(logLines.some((l) => l.includes(SECRET))).toBe(false);
  });

  it('an update of an unknown type is answered 200, logged by its type alone, and not handled', async () => {
    const before = handled.length;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-max-bot-api-secret': SECRET },
      body: JSON.stringify({
        update_type: 'chat_title_changed',
        timestamp: Date.now(),
        title: 'Секрет семьи',
      }),
    });
    expect(res.status).toBe(200);
    expect(handled.length).toBe(before);
    const logged = logLines.filter((l) => l.includes('chat_title_changed'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).not.toContain('Секрет семьи');
  });

  it('stopping keeps the subscription unless told to remove it', async () => {
    await maxWebhook(hookDeps(false)).stop();
    expect(await subscriptions()).toEqual([url]);
    await maxWebhook(hookDeps(true)).stop();
    expect(await subscriptions()).toEqual([]);
  });
});

describe('webhook under guardWebhook', () => {
  it('an update another process holds is answered 503, so MAX delivers it again and it is handled then', async () => {
    const handled: Update[] = [];
    let heldElsewhere = true;
    const bot = new Bot<BotContext>('1:sandbox', {
      botInfo: { id: botId(), is_bot: true, first_name: 'Бот', username: 'bot' } as UserFromGetMe,
    });
    bot.use((ctx) => {
      if (heldElsewhere) {
        heldElsewhere = false;
        throw new UpdateInHand(ctx.update.update_id);
      }
      handled.push(ctx.update);
    });
    const failures = updateFailures(bot, {
      i18n: createI18n(),
      logger,
      metrics: { handlerErrors: { inc: () => {} } },
      isOutage: () => false,
      stopping: new AbortController().signal,
    });
    const server = Fastify();
    const deps = { client, url: '', secret: 'guarded_secret', unsubscribeOnStop: true, botId, logger };
    server.post('/guarded', (req, reply) => route(req, reply));
    await server.listen({ port: 0, host: '127.0.0.1' });
    deps.url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/guarded`;
    const webhook = maxWebhook(deps);
    const route = failures.webhook(webhook.handler((u) => bot.handleUpdate(u)));
    try {
      await webhook.subscribe();
      const person = await people.createPerson({ name: 'Олег' });
      await people.sendText(person.id, 'дождусь');
      const update = await waitFor(() => handled[0], 'the second delivery');
      expect(update.message?.text).toBe('дождусь');
      expect(heldElsewhere).toBe(false);
    } finally {
      await webhook.stop();
      await server.close();
    }
  });
});

describe('the MAX image download', () => {
  it('refuses a body that passes the limit while reading, when no length was announced', async () => {
    // An image host that streams without a content-length: only the bytes read can tell.
    const host = createServer((req, res) => {
      if (req.url !== '/img') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.alloc(600, 1));
      res.end(Buffer.alloc(600, 2));
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    const download = maxFileDownloader({ allowHttp: true });
    try {
      expect(await download(undefined as never, `${base}/img`, 1000)).toBeNull();
      expect((await download(undefined as never, `${base}/img`, 1200))?.length).toBe(1200);
      await expect(download(undefined as never, `${base}/gone`, 1200)).rejects.toThrow(/HTTP 404/);
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });
});
