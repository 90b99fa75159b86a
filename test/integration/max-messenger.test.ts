import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxClient } from '../../bot/platform/max/client';
import { maxMessenger } from '../../bot/platform/max/max-messenger';
import type { Messenger } from '../../core/messaging/messenger';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { DIALOG_OFFSET } from '../../sandbox/max/ids';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { qrPng } from '../support/images';
import { maxMessageMap } from '../support/max-message-map';
import { fetchPhoto, readQrText } from '../support/qr';

// The Messenger port on MAX against the sandbox speaking MAX: what a person sees in the chat.
// The message store is a Map (test/support/max-message-map.ts): its PostgreSQL implementation
// is tested with the database.

const start = (extra: { maxNotReadyMs?: number } = {}) =>
  startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max', ...extra });

let sandbox: Sandbox;
let people: SandboxClient;
let messenger: Messenger;
beforeAll(async () => {
  sandbox = await start();
  people = new SandboxClient(sandbox.url);
  messenger = maxMessenger({
    client: maxClient({ root: sandbox.url, token: sandbox.token }),
    store: maxMessageMap(),
    logger: createLogger('silent'),
  });
});
afterAll(async () => {
  await sandbox?.close();
});

async function newPerson(name: string) {
  const person = await people.createPerson({ name });
  return { person, chatId: person.id + DIALOG_OFFSET };
}

const buttons = (data: string) => [[{ text: 'Обновить', callbackData: data }]];

function ok<T>(result: { ok: true; value: T } | { ok: false; failure: unknown }): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

async function shownQr(personId: number): Promise<string> {
  const [entry] = (await people.chat(personId)).messages;
  if (!entry?.photo) throw new Error('no photo in the chat');
  return readQrText(await fetchPhoto(sandbox.url, entry.photo.fileId));
}

describe('photos', () => {
  it('sends a QR and replaces it twice in the same message; each shows the new code', async () => {
    const { person, chatId } = await newPerson('Алла');
    const sent = ok(
      await messenger.sendPhoto(chatId, {
        png: await qrPng('qr-1'),
        caption: 'Код 1',
        buttons: buttons('r:1'),
      }),
    );
    expect(await shownQr(person.id)).toBe('qr-1');

    for (const n of [2, 3]) {
      ok(
        await messenger.editPhoto(chatId, sent.messageId, {
          png: await qrPng(`qr-${n}`),
          caption: `Код ${n}`,
          buttons: buttons(`r:${n}`),
        }),
      );
      expect(await shownQr(person.id)).toBe(`qr-${n}`);
    }
    const messages = (await people.chat(person.id)).messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      caption: 'Код 3',
      edits: 2,
      inlineKeyboard: [[{ text: 'Обновить', callback_data: 'r:3' }]],
    });
  });

  it('editCaption keeps the picture and changes the words and buttons', async () => {
    const { person, chatId } = await newPerson('Борис');
    const sent = ok(
      await messenger.sendPhoto(chatId, {
        png: await qrPng('kept'),
        caption: 'Живой',
        buttons: buttons('r'),
      }),
    );
    const before = (await people.chat(person.id)).messages[0]?.photo?.fileId;

    ok(
      await messenger.editCaption(chatId, sent.messageId, {
        text: 'Сессия окончена',
        buttons: [[{ text: 'Показать снова', callbackData: 'again' }]],
      }),
    );
    const [entry] = (await people.chat(person.id)).messages;
    expect(entry).toMatchObject({
      caption: 'Сессия окончена',
      inlineKeyboard: [[{ text: 'Показать снова', callback_data: 'again' }]],
    });
    expect(entry?.photo?.fileId).toBe(before);
    expect(await shownQr(person.id)).toBe('kept');
  });

  it('retries a fresh upload MAX has not processed yet, after 1 s, 2 s, 4 s, until it goes', async () => {
    const slow = await start({ maxNotReadyMs: 300 });
    try {
      const asked: number[] = [];
      const slowMessenger = maxMessenger({
        client: maxClient({ root: slow.url, token: slow.token }),
        store: maxMessageMap(),
        logger: createLogger('silent'),
        // The backoff's schedule is MAX's; a test waits a fifth of it.
        sleep: async (ms) => {
          asked.push(ms);
          await new Promise((resolve) => setTimeout(resolve, ms / 5));
        },
      });
      const person = await new SandboxClient(slow.url).createPerson({ name: 'Глеб' });
      ok(
        await slowMessenger.sendPhoto(person.id + DIALOG_OFFSET, {
          png: await qrPng('slow'),
          caption: 'Готово',
        }),
      );
      expect(asked[0]).toBe(1000);
      const [entry] = (await new SandboxClient(slow.url).chat(person.id)).messages;
      expect(entry?.caption).toBe('Готово');
    } finally {
      await slow.close();
    }
  });

  it('reports unavailable when the upload is still not processed after the last retry', async () => {
    const stuck = await start({ maxNotReadyMs: 600_000 });
    try {
      const asked: number[] = [];
      const stuckMessenger = maxMessenger({
        client: maxClient({ root: stuck.url, token: stuck.token }),
        store: maxMessageMap(),
        logger: createLogger('silent'),
        sleep: async (ms) => {
          asked.push(ms);
        },
      });
      const person = await new SandboxClient(stuck.url).createPerson({ name: 'Дана' });
      const result = await stuckMessenger.sendPhoto(person.id + DIALOG_OFFSET, {
        png: await qrPng('never'),
        caption: 'Нет',
      });
      expect(result).toMatchObject({ ok: false, failure: { code: 'UNAVAILABLE' } });
      expect(asked).toEqual([1000, 2000, 4000]);
      expect((await new SandboxClient(stuck.url).chat(person.id)).messages).toEqual([]);
    } finally {
      await stuck.close();
    }
  });
});

describe('texts and keyboards', () => {
  it('a keyboard reaches the person, their press comes back with its data, an edit without buttons clears it', async () => {
    const client = maxClient({ root: sandbox.url, token: sandbox.token });
    const poll = () =>
      client.call<{ updates: { update_type: string; callback?: { payload: string } }[]; marker: string }>(
        'GET',
        '/updates',
        { query: { timeout: 0 } },
      );
    const { marker } = await poll();
    const { person, chatId } = await newPerson('Вера');
    const sent = ok(
      await messenger.sendMessage(chatId, {
        text: 'Выберите',
        buttons: [[{ text: 'Да', callbackData: 'yes:1' }], [{ text: 'Сайт', url: 'https://example.org/' }]],
        protectContent: true,
      }),
    );
    const [entry] = (await people.chat(person.id)).messages;
    expect(entry?.inlineKeyboard).toEqual([
      [{ text: 'Да', callback_data: 'yes:1' }],
      [{ text: 'Сайт', url: 'https://example.org/' }],
    ]);
    await people.tap(person.id, entry?.messageId as number, 'yes:1');
    const { updates } = await client.call<{
      updates: { update_type: string; callback?: { payload: string } }[];
    }>('GET', '/updates', { query: { marker, timeout: 0 } });
    expect(updates.find((u) => u.update_type === 'message_callback')?.callback?.payload).toBe('yes:1');

    ok(await messenger.editText(chatId, sent.messageId, { text: 'Готово' }));
    const [edited] = (await people.chat(person.id)).messages;
    expect(edited?.text).toBe('Готово');
    expect(edited?.inlineKeyboard).toBeUndefined();
  });

  it('refuses a text over 4,000 characters whole, and sends nothing', async () => {
    const { person, chatId } = await newPerson('Лев');
    expect(await messenger.sendMessage(chatId, { text: 'я'.repeat(4001) })).toEqual({
      ok: false,
      failure: { code: 'TOO_LONG' },
    });
    expect(await messenger.sendPhoto(chatId, { png: await qrPng('x'), caption: 'я'.repeat(4001) })).toEqual({
      ok: false,
      failure: { code: 'TOO_LONG' },
    });
    const sent = ok(await messenger.sendMessage(chatId, { text: 'я'.repeat(4000) }));
    expect(await messenger.editText(chatId, sent.messageId, { text: 'ю'.repeat(4001) })).toEqual({
      ok: false,
      failure: { code: 'TOO_LONG' },
    });
    const messages = (await people.chat(person.id)).messages;
    expect(messages.map((m) => m.text)).toEqual(['я'.repeat(4000)]);
  });

  it('does not promise protection MAX cannot give', () => {
    expect(messenger.protectsContent).toBe(false);
  });
});

describe('failures the outbox steers by', () => {
  it('429 is rate limited, for a second', async () => {
    const { chatId } = await newPerson('Мила');
    await people.setRate(2);
    try {
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await messenger.sendMessage(chatId, { text: `№${i}` }));
      expect(results).toContainEqual({ ok: false, failure: { code: 'RATE_LIMITED', retryAfterSeconds: 1 } });
    } finally {
      await people.setRate(0);
    }
  });

  it('a person who blocked the bot reads as blocked, on a send and on an edit', async () => {
    const { person, chatId } = await newPerson('Нил');
    const sent = ok(await messenger.sendMessage(chatId, { text: 'раньше' }));
    await people.block(person.id);
    expect(await messenger.sendMessage(chatId, { text: 'эй' })).toEqual({
      ok: false,
      failure: { code: 'BLOCKED_BY_USER' },
    });
    expect(await messenger.editText(chatId, sent.messageId, { text: 'иначе' })).toEqual({
      ok: false,
      failure: { code: 'BLOCKED_BY_USER' },
    });
    await people.unblock(person.id);
  });

  it('a message the person deleted, or one this bot never sent, is not found', async () => {
    const { person, chatId } = await newPerson('Оля');
    const sent = ok(await messenger.sendMessage(chatId, { text: 'удалят' }));
    const [entry] = (await people.chat(person.id)).messages;
    await people.deleteMessage(person.id, entry?.messageId as number);
    expect(await messenger.editText(chatId, sent.messageId, { text: 'поздно' })).toEqual({
      ok: false,
      failure: { code: 'MESSAGE_NOT_FOUND' },
    });
    expect(await messenger.editCaption(chatId, 12345, { text: 'чужое' })).toEqual({
      ok: false,
      failure: { code: 'MESSAGE_NOT_FOUND' },
    });
  });

  it('any other refusal is thrown, not retried', async () => {
    await expect(messenger.sendMessage(424242, { text: 'никому' })).rejects.toThrow(/404 not.found/);
  });
});

describe('the store and the pace', () => {
  it('a send MAX took is not failed (nor sent again) when our copy of it cannot be kept', async () => {
    const { person, chatId } = await newPerson('Ирина');
    const store = maxMessageMap();
    const failing = {
      ...store,
      remember: async () => {
        throw new Error('the database is away');
      },
    };
    const lines: string[] = [];
    const forgetful = maxMessenger({
      client: maxClient({ root: sandbox.url, token: sandbox.token }),
      store: failing,
      logger: createLogger('error', { write: (line: string) => void lines.push(line) }),
    });
    const sent = await forgetful.sendMessage(chatId, { text: 'Один раз' });
    expect(sent.ok).toBe(true);
    expect((await people.chat(person.id)).messages.map((m) => m.text)).toEqual(['Один раз']);
    // Only the edit is lost, and it says so, without the text.
    if (!sent.ok) return;
    expect(await forgetful.editText(chatId, sent.value.messageId, { text: 'Два' })).toEqual({
      ok: false,
      failure: { code: 'MESSAGE_NOT_FOUND' },
    });
    expect(lines.join('')).toContain('sent on MAX, but not kept for edits');
    expect(lines.join('')).not.toContain('Один раз');
  });

  it('takes the pace before each Bot API request: a QR replaced is an upload and an edit, two', async () => {
    const { chatId } = await newPerson('Кира');
    let paced = 0;
    const counted = maxMessenger({
      client: maxClient({
        root: sandbox.url,
        token: sandbox.token,
        beforeRequest: async () => {
          paced++;
        },
      }),
      store: maxMessageMap(),
      botId: sandbox.world.bot.id,
      logger: createLogger('silent'),
    });
    const sent = ok(await counted.sendPhoto(chatId, { png: await qrPng('p-1'), caption: 'Раз' }));
    expect(paced).toBe(2);
    ok(await counted.editPhoto(chatId, sent.messageId, { png: await qrPng('p-2'), caption: 'Два' }));
    expect(paced).toBe(4);
  });
});
