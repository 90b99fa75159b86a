import { autoRetry } from '@grammyjs/auto-retry';
import { Api, GrammyError, InlineKeyboard, Keyboard } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lateCallbackAnswers } from '../../bot/platform/late-callback-answers';
import { maxClient } from '../../bot/platform/max/client';
import { maxTransport } from '../../bot/platform/max/transport';
import { transportFetch } from '../../bot/platform/max/transport-fetch';
import { telegramMessenger } from '../../bot/platform/telegram-messenger';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { DIALOG_OFFSET } from '../../sandbox/max/ids';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { qrPng } from '../support/images';
import { maxMessageMap } from '../support/max-message-map';

// grammY's Api on MAX: the features call Telegram methods, the transport answers them with
// MAX requests against the sandbox speaking MAX, and hands back Telegram's shapes.

let sandbox: Sandbox;
let people: SandboxClient;
let api: Api;
const polled: { offset?: number; timeout?: number; limit?: number }[] = [];
const pending: Update[] = [
  {
    update_id: 7,
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 1, type: 'private', first_name: 'А' },
      from: { id: 1, is_bot: false, first_name: 'А' },
      text: 'привет',
    },
  },
];
/** What an outer transformer saw come back from the MAX transport. */
const seen: { method: string; ok: boolean }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  people = new SandboxClient(sandbox.url);
  // No request through this Api may reach Telegram: the transport answers them all.
  api = new Api('no-telegram-token', {
    apiRoot: 'http://127.0.0.1:9',
    fetch: transportFetch(
      maxTransport({
        client: maxClient({ root: sandbox.url, token: sandbox.token }),
        store: maxMessageMap(),
        updates: {
          async getUpdates(params) {
            polled.push(params);
            return pending;
          },
        },
        logger: createLogger('silent'),
      }),
    ),
  });
  api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    seen.push({ method, ok: result.ok });
    return result;
  });
  api.config.use(lateCallbackAnswers);
});
afterAll(async () => {
  await sandbox?.close();
});

async function newPerson(name: string) {
  const person = await people.createPerson({ name });
  return { person, chatId: person.id + DIALOG_OFFSET };
}

async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(err)}`);
  return err;
}

describe('messages', () => {
  it('sends with an inline keyboard, edits the text, then takes the keyboard away', async () => {
    const { person, chatId } = await newPerson('Анна');
    const sent = await api.sendMessage(chatId, 'Выберите', {
      reply_markup: new InlineKeyboard().text('Да', 'yes').url('Сайт', 'https://example.org/'),
      protect_content: true,
    });
    expect(sent).toMatchObject({ chat: { id: chatId, type: 'private' }, text: 'Выберите' });
    expect(seen.at(-1)).toEqual({ method: 'sendMessage', ok: true });
    let [entry] = (await people.chat(person.id)).messages;
    expect(entry?.inlineKeyboard).toEqual([
      [
        { text: 'Да', callback_data: 'yes' },
        { text: 'Сайт', url: 'https://example.org/' },
      ],
    ]);

    await api.editMessageText(chatId, sent.message_id, 'Выбрано', {
      reply_markup: new InlineKeyboard().text('Ещё', 'more'),
    });
    [entry] = (await people.chat(person.id)).messages;
    expect(entry).toMatchObject({
      text: 'Выбрано',
      inlineKeyboard: [[{ text: 'Ещё', callback_data: 'more' }]],
    });

    await api.editMessageReplyMarkup(chatId, sent.message_id);
    [entry] = (await people.chat(person.id)).messages;
    expect(entry?.text).toBe('Выбрано');
    expect(entry?.inlineKeyboard).toBeUndefined();

    await api.deleteMessage(chatId, sent.message_id);
    expect((await people.chat(person.id)).messages).toEqual([]);
  });

  it('answers a press with a notification the presser sees; a late answer does not fail the handler', async () => {
    const client = maxClient({ root: sandbox.url, token: sandbox.token });
    type Polled = { updates: { update_type: string; callback?: { callback_id: string } }[]; marker: string };
    const { marker } = await client.call<Polled>('GET', '/updates', { query: { timeout: 0 } });
    const { person, chatId } = await newPerson('Борис');
    await api.sendMessage(chatId, 'Нажмите', { reply_markup: new InlineKeyboard().text('Жми', 'press') });
    const [entry] = (await people.chat(person.id)).messages;
    await people.tap(person.id, entry?.messageId as number, 'press');
    const { updates } = await client.call<Polled>('GET', '/updates', { query: { marker, timeout: 0 } });
    const callbackId = updates.find((u) => u.callback)?.callback?.callback_id as string;

    expect(await api.answerCallbackQuery(callbackId, { text: 'Готово' })).toBe(true);
    expect((await people.chat(person.id)).callbackAnswers[0]).toMatchObject({
      answered: true,
      text: 'Готово',
    });
    // An answer with no words just ends the press's wait (MAX: `notification: null`).
    await people.tap(person.id, entry?.messageId as number, 'press');
    const silent = (await people.chat(person.id)).callbackAnswers[1];
    expect(await api.answerCallbackQuery(silent?.callbackQueryId as string)).toBe(true);
    expect((await people.chat(person.id)).callbackAnswers[1]).toMatchObject({ answered: true });
    // MAX's refusal of an unknown callback reads as Telegram's "query is too old".
    expect(await api.answerCallbackQuery('no-such-callback')).toBe(true);
    expect(seen.at(-1)).toEqual({ method: 'answerCallbackQuery', ok: false });
  });

  it('refuses a photo through grammY, pointing to the Messenger port that sends images on MAX', async () => {
    const { person, chatId } = await newPerson('Вера');
    const sent = await telegramMessenger(api)
      .sendPhoto(chatId, { png: await qrPng('one'), caption: 'Раз' })
      .catch((err: unknown) => err);
    expect(String(sent)).toContain('sendPhoto with a file is not supported on MAX');
    expect((await people.chat(person.id)).messages).toEqual([]);
  });
});

describe("MAX's refusals in Telegram's words", () => {
  it('a message MAX took is sent once, even when our copy of it cannot be kept (auto-retry in front)', async () => {
    const { person, chatId } = await newPerson('Зоя');
    const forgetful = new Api('no-telegram-token', {
      apiRoot: 'http://127.0.0.1:9',
      fetch: transportFetch(
        maxTransport({
          client: maxClient({ root: sandbox.url, token: sandbox.token }),
          store: {
            ...maxMessageMap(),
            remember: async () => {
              throw new Error('the database is away');
            },
          },
          updates: { getUpdates: async () => [] },
          logger: createLogger('silent'),
        }),
      ),
    });
    forgetful.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));
    const sent = await forgetful.sendMessage(chatId, 'Один раз');
    expect(sent.text).toBe('Один раз');
    expect((await people.chat(person.id)).messages.map((m) => m.text)).toEqual(['Один раз']);
  });

  it('over 4,000 characters: Telegram\'s "message is too long", and nothing sent', async () => {
    const { person, chatId } = await newPerson('Глеб');
    const err = await refusal(api.sendMessage(chatId, 'я'.repeat(4001)));
    expect([err.error_code, err.description]).toEqual([400, 'Bad Request: message is too long']);
    expect((await people.chat(person.id)).messages).toEqual([]);
    expect(await telegramMessenger(api).sendMessage(chatId, { text: 'я'.repeat(4001) })).toEqual({
      ok: false,
      failure: { code: 'TOO_LONG' },
    });
  });

  it('a blocked person is 403 "bot was blocked by the user"; 429 carries retry_after', async () => {
    const { person, chatId } = await newPerson('Дана');
    await people.block(person.id);
    const blocked = await refusal(api.sendMessage(chatId, 'эй'));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toContain('bot was blocked by the user');
    expect(await telegramMessenger(api).sendMessage(chatId, { text: 'эй' })).toEqual({
      ok: false,
      failure: { code: 'BLOCKED_BY_USER' },
    });
    await people.unblock(person.id);

    await people.setRate(1);
    try {
      const errors = [];
      for (let i = 0; i < 3; i++)
        errors.push(await api.sendMessage(chatId, `№${i}`).catch((e: unknown) => e));
      const limited = errors.find((e) => e instanceof GrammyError) as GrammyError;
      expect([limited.error_code, limited.parameters.retry_after]).toEqual([429, 1]);
    } finally {
      await people.setRate(0);
    }
  });

  it('anything MAX cannot do is refused loudly, not dropped', async () => {
    const { chatId } = await newPerson('Ева');
    const dice = await refusal(api.sendDice(chatId, '🎲'));
    expect(dice.description).toBe('Bad Request: method sendDice is not supported on MAX');
    const formatted = await refusal(api.sendMessage(chatId, '*жирный*', { parse_mode: 'MarkdownV2' }));
    expect(formatted.description).toContain('parse_mode');
    const login = await refusal(
      api.sendMessage(chatId, 'Войти', {
        reply_markup: new InlineKeyboard().login('Войти', 'https://example.org/'),
      }),
    );
    expect(login.description).toContain('login_url');
    const location = await refusal(
      api.sendMessage(chatId, 'Где вы?', { reply_markup: new Keyboard().requestLocation('Здесь') }),
    );
    expect(location.description).toContain('request_location');
  });
});

describe('the bot itself', () => {
  it('getMe is the MAX bot as Telegram describes a bot', async () => {
    expect(await api.getMe()).toMatchObject({
      id: sandbox.world.bot.id,
      is_bot: true,
      username: 'gosuslugi_sandbox_bot',
    });
  });

  it('sets the default menu; per-language and per-chat menus are quietly skipped', async () => {
    const { person } = await newPerson('Жанна');
    await api.setMyCommands([{ command: 'id', description: 'Показать Цифровой ID' }]);
    expect(await api.setMyCommands([{ command: 'id', description: 'Show' }], { language_code: 'en' })).toBe(
      true,
    );
    expect(
      await api.setMyCommands([{ command: 'admin', description: 'Админ' }], {
        scope: { type: 'chat', chat_id: person.id },
      }),
    ).toBe(true);
    expect(await api.deleteMyCommands({ scope: { type: 'chat', chat_id: person.id } })).toBe(true);
    expect((await people.chat(person.id)).commands).toEqual([
      { command: 'id', description: 'Показать Цифровой ID' },
    ]);
  });

  it('getUpdates is long polling on MAX; deleteWebhook never removes a subscription', async () => {
    expect(await api.getUpdates({ offset: 5, timeout: 30, limit: 100 })).toEqual(pending);
    expect(polled.at(-1)).toEqual({ offset: 5, timeout: 30, limit: 100 });

    expect(await api.deleteWebhook()).toBe(true);
    const client = maxClient({ root: sandbox.url, token: sandbox.token });
    const url = 'http://127.0.0.1:9/hook/path-secret';
    await client.call('POST', '/subscriptions', { body: { url } });
    try {
      const err = await refusal(api.deleteWebhook());
      expect(err.error_code).toBe(409);
      expect(err.description).toContain('127.0.0.1:9');
      expect(err.description).not.toContain('path-secret');
      const { subscriptions } = await client.call<{ subscriptions: unknown[] }>('GET', '/subscriptions');
      expect(subscriptions).toHaveLength(1);
    } finally {
      await client.call('DELETE', '/subscriptions', { query: { url } });
    }
  });

  it('getFile names the received image by the id the incoming side gave it', async () => {
    const url = `${sandbox.url}/sandbox/api/files/abc`;
    expect(await api.getFile(url)).toEqual({ file_id: url, file_unique_id: url, file_path: url });
  });
});
