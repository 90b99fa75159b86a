import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Api, Bot, ImageAttachment, Keyboard, MaxError } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { waitFor } from '../support/wait';

// The official MAX SDK pointed at the sandbox in MAX mode: what it sends and expects must be
// what the sandbox accepts and answers.

let sandbox: Sandbox;
let api: Api;
let people: SandboxClient;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  api = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } }).api;
  people = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox?.close();
});

const png = (text: string) => QRCode.toBuffer(text, { width: 120 });

async function maxError(call: Promise<unknown>): Promise<MaxError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof MaxError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Polls as a bot does: each call commits what the previous one returned. */
let marker: number | undefined;
async function poll(): Promise<Update[]> {
  const answer = await api.getUpdates([], { timeout: 1, ...(marker ? { marker } : {}) });
  expect(answer.marker).toBeGreaterThan(0);
  marker = answer.marker ?? undefined;
  return answer.updates;
}

async function rawMax(method: string, path: string, body?: unknown, token = sandbox.token) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the bot itself', () => {
  it('getMyInfo answers the bot, setMyCommands sets the menu people see', async () => {
    const me = await api.getMyInfo();
    expect(me).toMatchObject({
      user_id: sandbox.world.bot.id,
      is_bot: true,
      username: 'gosuslugi_sandbox_bot',
    });
    const person = await people.createPerson({ name: 'Меню' });
    await api.setMyCommands([{ name: 'help', description: 'Помощь' }]);
    expect((await people.chat(person.id)).commands).toEqual([{ command: 'help', description: 'Помощь' }]);
    expect((await api.getMyInfo()).commands).toEqual([{ name: 'help', description: 'Помощь' }]);
  });
});

describe('sending', () => {
  it('sends to a user with a keyboard of callback, request_contact and link buttons', async () => {
    const person = await people.createPerson({ name: 'Анна' });
    const message = await api.sendMessageToUser(person.id, 'Выберите', {
      attachments: [
        Keyboard.inlineKeyboard([
          [Keyboard.button.callback('Да', 'yes')],
          [Keyboard.button.requestContact('Поделиться номером')],
          [Keyboard.button.link('Сайт', 'https://example.org/')],
        ]),
      ],
    });
    expect(typeof message.body.mid).toBe('string');
    expect(message.body.text).toBe('Выберите');
    expect(message.recipient).toMatchObject({ chat_type: 'dialog', user_id: person.id });
    expect(message.recipient.chat_id).not.toBe(person.id);
    const [entry] = (await people.chat(person.id)).messages;
    expect(entry?.inlineKeyboard).toEqual([
      [{ text: 'Да', callback_data: 'yes' }],
      [{ text: 'Поделиться номером', request_contact: true }],
      [{ text: 'Сайт', url: 'https://example.org/' }],
    ]);
    // The same chat by its chat_id.
    const again = await api.sendMessageToChat(message.recipient.chat_id as number, 'Ещё раз');
    expect(again.recipient.chat_id).toBe(message.recipient.chat_id);
  });

  it('uploads an image and sends it with the {photos} payload and with {token}', async () => {
    const person = await people.createPerson({ name: 'Борис' });
    const image = await api.uploadImage({ source: await png('first') });
    const sent = await api.sendMessageToUser(person.id, 'QR', { attachments: [image.toJson()] });
    const attachment = sent.body.attachments?.[0];
    expect(attachment?.type).toBe('image');
    const url = (attachment as { payload: { url: string } }).payload.url;
    expect((await fetch(url)).headers.get('content-type')).toBe('image/png');

    const token = Object.values((image as unknown as { photos: Record<string, { token: string }> }).photos)[0]
      ?.token as string;
    const byToken = new ImageAttachment({ token });
    await api.sendMessageToUser(person.id, 'QR again', { attachments: [byToken.toJson()] });
    const messages = (await people.chat(person.id)).messages;
    expect(messages.map((m) => [m.caption, m.photo?.fileId])).toEqual([
      ['QR', token],
      ['QR again', token],
    ]);
  });

  it('edits (keeping attachments when none are given) and deletes by mid', async () => {
    const person = await people.createPerson({ name: 'Вера' });
    const keyboard = Keyboard.inlineKeyboard([[Keyboard.button.callback('Ок', 'ok')]]);
    const sent = await api.sendMessageToUser(person.id, 'Было', { attachments: [keyboard] });
    expect(await api.editMessage(sent.body.mid, { text: 'Стало' })).toEqual({ success: true });
    let [entry] = (await people.chat(person.id)).messages;
    expect(entry).toMatchObject({
      text: 'Стало',
      edits: 1,
      inlineKeyboard: [[{ text: 'Ок', callback_data: 'ok' }]],
    });

    const image = await api.uploadImage({ source: await png('edit') });
    await api.editMessage(sent.body.mid, { text: 'С картинкой', attachments: [image.toJson(), keyboard] });
    [entry] = (await people.chat(person.id)).messages;
    expect(entry).toMatchObject({ caption: 'С картинкой', edits: 2 });
    expect(entry?.photo).toBeDefined();

    expect(await api.deleteMessage(sent.body.mid)).toEqual({ success: true });
    expect((await people.chat(person.id)).messages).toEqual([]);
  });

  it('retries attachment.not.ready until the upload is processed', async () => {
    const slow = await startSandbox({
      port: 0,
      ratePerSecond: 0,
      logger: createLogger('silent'),
      dialect: 'max',
      maxNotReadyMs: 300,
    });
    try {
      const slowApi = new Bot(slow.token, { clientOptions: { baseUrl: slow.url } }).api;
      const person = await new SandboxClient(slow.url).createPerson({ name: 'Глеб' });
      const image = await slowApi.uploadImage({ source: await png('slow') });
      // Sent at once, the fresh upload is refused as MAX refuses it; the SDK's own retries get
      // it through once it is processed.
      const early = await fetch(`${slow.url}/messages?user_id=${person.id}`, {
        method: 'POST',
        headers: { authorization: slow.token, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'Рано', attachments: [image.toJson()] }),
      });
      expect(early.status).toBe(400);
      expect(((await early.json()) as { code: string }).code).toBe('attachment.not.ready');
      const sent = await slowApi.sendMessageToUser(person.id, 'Готово', { attachments: [image.toJson()] });
      expect(sent.body.attachments?.[0]?.type).toBe('image');
    } finally {
      await slow.close();
    }
  });
});

describe('receiving by long polling', () => {
  it('commits by marker: uncommitted updates come again, committed ones never', async () => {
    await poll();
    const person = await people.createPerson({ name: 'Дина' });
    await people.sendText(person.id, 'привет');
    const first = await api.getUpdates([], { timeout: 1, ...(marker ? { marker } : {}) });
    expect(first.updates.map((u) => u.update_type)).toEqual(['message_created']);
    // Without a marker nothing is committed: the same update again.
    const again = await api.getUpdates([], { timeout: 1 });
    expect(again.updates).toContainEqual(first.updates[0]);
    marker = first.marker ?? undefined;
    expect(await poll()).toEqual([]);
  });

  it("a person's /start, message, photo, contact and button press arrive as MAX updates", async () => {
    await poll();
    const person = await people.createPerson({ name: 'Ева', phone: '+79161234567' });
    await people.sendText(person.id, '/start link_42');
    await people.sendText(person.id, 'текст');
    await people.sendPhoto(person.id, await png('photo'));
    await people.shareContact(person.id);
    const updates = await poll();
    expect(updates.map((u) => u.update_type)).toEqual([
      'bot_started',
      'message_created',
      'message_created',
      'message_created',
    ]);
    const [started, text, photo, contact] = updates as [Update, Update, Update, Update];
    expect(started).toMatchObject({ payload: 'link_42', user: { user_id: person.id }, user_locale: 'ru' });
    if (text.update_type !== 'message_created' || started.update_type !== 'bot_started')
      throw new Error('types');
    expect(text.message).toMatchObject({
      sender: { user_id: person.id },
      recipient: { chat_id: started.chat_id, chat_type: 'dialog' },
      body: { text: 'текст' },
    });
    const image = photo.update_type === 'message_created' ? photo.message.body.attachments?.[0] : undefined;
    expect(image?.type).toBe('image');
    const card =
      contact.update_type === 'message_created' ? contact.message.body.attachments?.[0] : undefined;
    if (card?.type !== 'contact') throw new Error(`got ${card?.type}`);
    expect(card.payload.max_info).toMatchObject({ user_id: person.id });
    expect(card.payload.vcf_info).toContain('TEL;TYPE=cell:79161234567');
  });

  it('a button press is message_callback, answered with a notification the presser sees', async () => {
    const person = await people.createPerson({ name: 'Жанна' });
    const sent = await api.sendMessageToUser(person.id, 'Нажмите', {
      attachments: [Keyboard.inlineKeyboard([[Keyboard.button.callback('Жми', 'press:1')]])],
    });
    await poll();
    const entry = (await people.chat(person.id)).messages[0];
    await people.tap(person.id, entry?.messageId as number, 'press:1');
    const [update] = await poll();
    if (update?.update_type !== 'message_callback') throw new Error(`got ${update?.update_type}`);
    expect(update.callback).toMatchObject({ payload: 'press:1', user: { user_id: person.id } });
    expect(update.message?.body.mid).toBe(sent.body.mid);
    // 0.3.1's type leaves out the schema's `notification`; the SDK sends the body as given.
    const answer = { notification: 'Готово' } as Parameters<Api['answerOnCallback']>[1];
    expect(await api.answerOnCallback(update.callback.callback_id, answer)).toEqual({
      success: true,
    });
    expect((await people.chat(person.id)).callbackAnswers[0]).toMatchObject({
      answered: true,
      text: 'Готово',
    });
  });

  it('a long poll waits for the next update and types filter', async () => {
    await poll();
    const person = await people.createPerson({ name: 'Зоя' });
    const waiting = api.getUpdates(['message_created'], { timeout: 5, ...(marker ? { marker } : {}) });
    await people.sendText(person.id, '/start');
    await people.sendText(person.id, 'после старта');
    const answer = await waiting;
    expect(answer.updates.map((u) => u.update_type)).toEqual(['message_created']);
    marker = answer.marker ?? undefined;
  });
});

describe('receiving by webhook', () => {
  let server: Server;
  afterAll(() => server?.close());

  it('delivers to a subscription with X-Max-Bot-Api-Secret, and polling is refused meanwhile', async () => {
    await poll(); // commits what earlier tests left, which a new subscription would deliver
    const bot = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } });
    const received: Update[] = [];
    const secrets: unknown[] = [];
    bot.use((ctx) => {
      received.push(ctx.update);
    });
    const callback = bot.webhookCallback({ domain: 'example.org', secret: 'secret_12345', path: '/hook' });
    server = createServer((req, res) => {
      secrets.push(req.headers['x-max-bot-api-secret']);
      callback(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    expect(await api.subscribe(url, 'secret_12345', ['message_created'])).toEqual({ success: true });
    expect(await api.getSubscriptions()).toEqual([
      { url, time: expect.any(Number), updateTypes: ['message_created'] },
    ]);
    expect((await maxError(api.getUpdates([], { timeout: 1 }))).status).toBe(405);
    const person = await people.createPerson({ name: 'Ирина' });
    await people.sendText(person.id, 'по вебхуку');
    await waitFor(() => received.length === 1, 'the webhook delivery');
    expect(received[0]).toMatchObject({
      update_type: 'message_created',
      message: { body: { text: 'по вебхуку' } },
    });
    expect(secrets).toEqual(['secret_12345']);

    expect(await api.unsubscribe(url)).toEqual({ success: true });
    expect(await api.getSubscriptions()).toEqual([]);
  });
});

describe('errors as MAX shapes them', () => {
  it('401 verify.token for a wrong token', async () => {
    const stranger = new Bot('not-the-token', { clientOptions: { baseUrl: sandbox.url } }).api;
    const err = await maxError(stranger.getMyInfo());
    expect([err.status, err.code]).toEqual([401, 'verify.token']);
    const raw = await rawMax('GET', '/me', undefined, 'not-the-token');
    expect(raw).toEqual({ status: 401, body: { code: 'verify.token', message: expect.any(String) } });
  });

  it('404 not.found for an unknown message or user', async () => {
    const err = await maxError(api.editMessage(`mid.${'0'.repeat(31)}1`, { text: 'x' }));
    expect([err.status, err.code]).toEqual([404, 'not.found']);
    const noUser = await maxError(api.sendMessageToUser(424242, 'кому?'));
    expect([noUser.status, noUser.code]).toEqual([404, 'not.found']);
  });

  it('429 past the rate, counting every request', async () => {
    await people.setRate(3);
    try {
      await api.getMyInfo();
      await api.getSubscriptions();
      await api.getMyInfo();
      const err = await maxError(api.getMyInfo());
      expect([err.status, err.code]).toEqual([429, 'too.many.requests']);
    } finally {
      await people.setRate(0);
    }
  });
});

describe('the dialect beyond what the SDK covers', () => {
  async function sentWithKeyboardAndImage() {
    const person = await people.createPerson({ name: 'Кира' });
    const image = await api.uploadImage({ source: await png('k') });
    const keyboard = Keyboard.inlineKeyboard([[Keyboard.button.callback('A', 'a')]]);
    const sent = await api.sendMessageToUser(person.id, 'подпись', {
      attachments: [image.toJson(), keyboard],
    });
    const path = `/messages?message_id=${encodeURIComponent(sent.body.mid)}`;
    return { person, path, keyboard };
  }

  it('PUT: attachments null keeps them, [] clears them, a list replaces them', async () => {
    const { person, path, keyboard } = await sentWithKeyboardAndImage();
    const entry = async () => (await people.chat(person.id)).messages[0];

    expect(await rawMax('PUT', path, { text: 'новая', attachments: null })).toEqual({
      status: 200,
      body: { success: true },
    });
    expect(await entry()).toMatchObject({ caption: 'новая', inlineKeyboard: [[{ callback_data: 'a' }]] });
    expect((await entry())?.photo).toBeDefined();

    await rawMax('PUT', path, { text: 'только текст', attachments: [] });
    const cleared = await entry();
    expect(cleared).toMatchObject({ text: 'только текст' });
    expect([cleared?.photo, cleared?.inlineKeyboard, cleared?.caption]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);

    await rawMax('PUT', path, { text: 'с кнопкой', attachments: [keyboard] });
    expect(await entry()).toMatchObject({ text: 'с кнопкой', inlineKeyboard: [[{ callback_data: 'a' }]] });
  });

  it('refuses a text over 4,000 characters, a blocked person, and a query access_token', async () => {
    const person = await people.createPerson({ name: 'Лев' });
    const long = await rawMax('POST', `/messages?user_id=${person.id}`, { text: 'я'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(long.body).toEqual({ code: expect.any(String), message: expect.stringContaining('4000') });

    const earlier = await rawMax('POST', `/messages?user_id=${person.id}`, { text: 'раньше' });
    const mid = (earlier.body as unknown as { message: { body: { mid: string } } }).message.body.mid;
    await people.block(person.id);
    const blocked = await rawMax('POST', `/messages?user_id=${person.id}`, { text: 'эй' });
    expect(blocked.status).toBe(403);
    // Nor may the bot change what it sent before.
    expect((await rawMax('PUT', `/messages?message_id=${mid}`, { text: 'иначе' })).status).toBe(403);
    expect((await rawMax('DELETE', `/messages?message_id=${mid}`)).status).toBe(403);
    await people.unblock(person.id);

    const res = await fetch(`${sandbox.url}/me?access_token=${encodeURIComponent(sandbox.token)}`);
    expect(res.status).toBe(401);
  });

  it('a dialog chat_id is not the user_id, and a user_id is no chat_id', async () => {
    const person = await people.createPerson({ name: 'Марк' });
    const wrong = await rawMax('POST', `/messages?chat_id=${person.id}`, { text: 'не туда' });
    expect(wrong).toMatchObject({ status: 404, body: { code: 'not.found' } });
    // A dialog's chat_id is past the offset, and no person may hold an id there, so no user_id
    // ever reads as someone else's dialog.
    const shifted = await rawMax('POST', `/messages?chat_id=${person.id + 10_000_000_000_000}`, {
      text: 'ок',
    });
    expect(shifted.status).toBe(200);
    expect(
      await people.createPerson({ id: 10_000_000_000_000 + person.id, name: 'Большой' }).catch(() => null),
    ).toBeNull();
  });

  it('redelivers an update by its number, under a new number', async () => {
    await poll();
    const person = await people.createPerson({ name: 'Нина' });
    const { updateId } = await people.sendText(person.id, 'ещё раз');
    const [first] = await poll();
    await people.redeliver(updateId as number);
    const [again] = await poll();
    expect(again).toEqual(first);
  });
});
