import { Bot, Keyboard } from '@maxhub/max-bot-api';
import { Api, InlineKeyboard } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxClient } from '../../bot/platform/max/client';
import { messageAlias } from '../../bot/platform/max/ids';
import { maxMessenger } from '../../bot/platform/max/max-messenger';
import { maxTransport } from '../../bot/platform/max/transport';
import { transportFetch } from '../../bot/platform/max/transport-fetch';
import { uploadImage } from '../../bot/platform/max/upload-image';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { DIALOG_OFFSET } from '../../sandbox/max/ids';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { qrPng } from '../support/images';
import { maxMessageMap } from '../support/max-message-map';

// Issue 14: the adapter must agree with what the official SDK sends. Both are pointed at the
// sandbox through a recording fetch, do the same thing, and must have sent the same requests.

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  json: boolean;
}

/** A fetch that keeps what was asked (the JSON body parsed), then asks the sandbox. */
function recorder() {
  const requests: Recorded[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    const json = headers.get('content-type') === 'application/json';
    requests.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: json ? JSON.parse(String(init?.body)) : init?.body === undefined ? undefined : 'not json',
      json,
    });
    return fetch(input, init);
  };
  return { requests, fetch: recording, clear: () => requests.splice(0) };
}

let sandbox: Sandbox;
let chatId: number;
let personId: number;
const sdk = recorder();
const ours = recorder();
let sdkApi: Bot['api'];
let api: Api;
let messenger: ReturnType<typeof maxMessenger>;
const store = maxMessageMap();
let botId: number;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  const person = await new SandboxClient(sandbox.url).createPerson({ name: 'Сверка' });
  personId = person.id;
  chatId = person.id + DIALOG_OFFSET;
  botId = sandbox.world.bot.id;
  sdkApi = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url, fetch: sdk.fetch } }).api;
  const client = maxClient({ root: sandbox.url, token: sandbox.token, fetch: ours.fetch });
  // The bot's id is given, so neither side asks GET /me on the way.
  messenger = maxMessenger({ client, store, botId, logger: createLogger('silent') });
  api = new Api('no-telegram-token', {
    apiRoot: 'http://127.0.0.1:9',
    fetch: transportFetch(
      maxTransport({
        client,
        store,
        botId,
        updates: { getUpdates: async () => [] },
        logger: createLogger('silent'),
      }),
    ),
  });
});
afterAll(async () => {
  await sandbox?.close();
});

/** What each side sent for one operation, recorded afresh. */
async function both(sdkSide: () => Promise<unknown>, ourSide: () => Promise<unknown>) {
  sdk.clear();
  ours.clear();
  await sdkSide();
  await ourSide();
  return { sdk: [...sdk.requests], ours: [...ours.requests] };
}

const keyboardRows = [[{ text: 'Да', callbackData: 'yes:1' }]];
const sdkKeyboard = () => Keyboard.inlineKeyboard([[Keyboard.button.callback('Да', 'yes:1')]]);

/**
 * A message sent by the SDK, known to our store too, so both sides can act on the very same
 * message and their requests must be equal to the letter.
 */
async function sharedMessage(): Promise<{ mid: string; alias: number }> {
  const sent = await sdkApi.sendMessageToChat(chatId, 'Выберите', { attachments: [sdkKeyboard()] });
  const { mid } = sent.body;
  const alias = messageAlias(mid);
  await store.remember(botId, { alias, mid, chatId, text: 'Выберите', attachments: [] });
  return { mid, alias };
}

/** A press on a fresh keyboard: the callback_id an answer names. */
async function pressed(): Promise<string> {
  await sharedMessage();
  const people = new SandboxClient(sandbox.url);
  const entry = (await people.chat(personId)).messages.at(-1);
  await people.tap(personId, entry?.messageId as number, 'yes:1');
  return (await people.chat(personId)).callbackAnswers.at(-1)?.callbackQueryId as string;
}

describe('the same requests as @maxhub/max-bot-api 0.3.1', () => {
  it('sending a text with a callback keyboard', async () => {
    const sent = await both(
      () => sdkApi.sendMessageToChat(chatId, 'Выберите', { attachments: [sdkKeyboard()] }),
      () => messenger.sendMessage(chatId, { text: 'Выберите', buttons: keyboardRows }),
    );
    expect(sent.ours).toEqual(sent.sdk);
    // The transport (the features' ctx.reply) sends the same.
    const replied = await both(
      () => sdkApi.sendMessageToChat(chatId, 'Выберите', { attachments: [sdkKeyboard()] }),
      () => api.sendMessage(chatId, 'Выберите', { reply_markup: new InlineKeyboard().text('Да', 'yes:1') }),
    );
    expect(replied.ours).toEqual(replied.sdk);
    expect(sent.ours).toEqual([
      {
        method: 'POST',
        path: '/messages',
        query: { chat_id: String(chatId) },
        body: {
          text: 'Выберите',
          attachments: [
            {
              type: 'inline_keyboard',
              payload: { buttons: [[{ type: 'callback', text: 'Да', payload: 'yes:1' }]] },
            },
          ],
        },
        json: true,
      },
    ]);
  });

  it('editing a text and its keyboard', async () => {
    const { mid, alias } = await sharedMessage();
    const edited = await both(
      () => sdkApi.editMessage(mid, { text: 'Стало', attachments: [sdkKeyboard()] }),
      () => messenger.editText(chatId, alias, { text: 'Стало', buttons: keyboardRows }),
    );
    expect(edited.ours).toEqual(edited.sdk);
    expect(edited.ours[0]).toMatchObject({ method: 'PUT', path: '/messages', query: { message_id: mid } });
  });

  it('deleting a message', async () => {
    const first = await sharedMessage();
    const second = await sharedMessage();
    const deleted = await both(
      () => sdkApi.deleteMessage(first.mid),
      () => api.deleteMessage(chatId, second.alias),
    );
    expect(deleted.sdk).toEqual([
      { method: 'DELETE', path: '/messages', query: { message_id: first.mid }, body: undefined, json: false },
    ]);
    expect(deleted.ours).toEqual([{ ...deleted.sdk[0], query: { message_id: second.mid } }]);
  });

  it('answering a button press', async () => {
    const [bySdk, byUs] = [await pressed(), await pressed()];
    const answered = await both(
      () => sdkApi.answerOnCallback(bySdk, { notification: 'Готово' } as never),
      () => api.answerCallbackQuery(byUs, { text: 'Готово' }),
    );
    const request = (callbackId: string) => ({
      method: 'POST',
      path: '/answers',
      query: { callback_id: callbackId },
      body: { notification: 'Готово' },
      json: true,
    });
    expect([answered.sdk, answered.ours]).toEqual([[request(bySdk)], [request(byUs)]]);
  });

  it('setting the command menu', async () => {
    const set = await both(
      () => sdkApi.setMyCommands([{ name: 'id', description: 'Показать Цифровой ID' }]),
      () => api.setMyCommands([{ command: 'id', description: 'Показать Цифровой ID' }]),
    );
    expect(set.ours).toEqual(set.sdk);
    expect(set.ours[0]).toMatchObject({ method: 'PATCH', path: '/me/commands' });
  });

  it('the first step of an image upload', async () => {
    const png = await qrPng('parity');
    const uploaded = await both(
      () => sdkApi.uploadImage({ source: png }),
      () => uploadImage(maxClient({ root: sandbox.url, token: sandbox.token, fetch: ours.fetch }), png),
    );
    // The SDK's second step goes around an injected fetch (max.md §6): only the first is compared.
    expect(uploaded.ours[0]).toEqual(uploaded.sdk[0]);
    expect(uploaded.ours[0]).toMatchObject({ method: 'POST', path: '/uploads', query: { type: 'image' } });
  });
});
