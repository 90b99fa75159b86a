import { Bot, Keyboard } from '@maxhub/max-bot-api';
import { Api, GrammyError } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config';
import { startService } from '../../app/service';
import { launchDataChecker } from '../../core/mini-app/launch-data';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type DialectName, type Sandbox, startSandbox } from '../../sandbox/server';
import { TestClock } from '../support/clock';

// Mini App buttons as each messenger takes them from the bot (grammY's and MAX's official SDK
// send them), kept in the chat, and opened for a person with launch data the service accepts.

const APP_URL = 'http://127.0.0.1:9/app';
const sandboxes: Sandbox[] = [];
async function sandboxOf(dialect: DialectName, miniAppUrl: string | null = APP_URL) {
  const sandbox = await startSandbox({
    port: 0,
    ratePerSecond: 0,
    logger: createLogger('silent'),
    dialect,
    ...(miniAppUrl === null ? {} : { miniAppUrl }),
  });
  sandboxes.push(sandbox);
  return { sandbox, people: new SandboxClient(sandbox.url) };
}
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

/** The person the launch data in `url`'s fragment names, as the service's check reads it. */
function launchedAs(sandbox: Sandbox, url: string, name: 'tgWebAppData' | 'WebAppData') {
  const initData = new URLSearchParams(new URL(url).hash.slice(1)).get(name) ?? '';
  const check = launchDataChecker({ botToken: sandbox.token, maxAgeSeconds: 86_400, clock: new TestClock() })(
    initData,
  );
  return { check, fields: new URLSearchParams(initData) };
}

describe('Telegram web_app buttons', () => {
  let sandbox: Sandbox;
  let people: SandboxClient;
  let api: Api;
  beforeAll(async () => {
    ({ sandbox, people } = await sandboxOf('telegram'));
    api = new Api(sandbox.token, { apiRoot: sandbox.url });
  });

  it("are kept as sent and open the URL they carry with the person's signed launch data", async () => {
    const person = await people.createPerson({ name: 'Анна' });
    const button = { text: 'Открыть как приложение', web_app: { url: 'http://127.0.0.1:9/app/digital-id' } };
    const sent = await api.sendMessage(person.id, 'Цифровой ID', {
      reply_markup: { inline_keyboard: [[button]] },
    });
    expect(sent.reply_markup?.inline_keyboard).toEqual([[button]]);
    expect((await people.chat(person.id)).messages[0]?.inlineKeyboard).toEqual([[button]]);

    const url = await people.openMiniApp(person.id, { messageId: sent.message_id, text: button.text });
    expect(url.startsWith(`${button.web_app.url}#`)).toBe(true);
    expect(launchedAs(sandbox, url, 'tgWebAppData').check).toEqual({
      ok: true,
      user: { id: person.id, languageCode: 'ru' },
    });
    await expect(
      people.openMiniApp(person.id, { messageId: sent.message_id, text: 'Нет такой' }),
    ).rejects.toThrow(/answered 404/);
  });

  it('are refused mixed with another kind, as Telegram refuses them', async () => {
    const person = await people.createPerson({ name: 'Борис' });
    const mixed = { text: 'x', callback_data: 'x', web_app: { url: APP_URL } };
    const err = await api
      .sendMessage(person.id, 'x', { reply_markup: { inline_keyboard: [[mixed]] } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect((err as GrammyError).description).toBe('Bad Request: BUTTON_TYPE_INVALID');
  });

  it('are refused in a group, sent or edited in, as Telegram allows them only in private chats', async () => {
    const person = await people.createPerson({ name: 'Вера' });
    for (const type of ['group', 'supergroup'] as const) {
      const group = await people.createGroup({ title: 'Соседи', type, members: [person.id] });
      const app = { inline_keyboard: [[{ text: 'Открыть', web_app: { url: `${APP_URL}/digital-id` } }]] };
      const refusal = (call: Promise<unknown>) =>
        call.then(
          () => 'sent',
          (e: unknown) => (e instanceof GrammyError ? e.description : String(e)),
        );
      expect(await refusal(api.sendMessage(group.id, 'Цифровой ID', { reply_markup: app }))).toBe(
        'Bad Request: BUTTON_TYPE_INVALID',
      );
      const plain = await api.sendMessage(group.id, 'Меню', {
        reply_markup: { inline_keyboard: [[{ text: 'Помощь', callback_data: 'help' }]] },
      });
      expect(
        await refusal(api.editMessageReplyMarkup(group.id, plain.message_id, { reply_markup: app })),
      ).toBe('Bad Request: BUTTON_TYPE_INVALID');
      const kept = (await people.groupChat(group.id)).messages.map((m) => m.inlineKeyboard?.flat()[0]?.text);
      expect(kept).toEqual(['Помощь']);
    }
  });

  it("opens the bot's Mini App without a button, under a path or with a start_param", async () => {
    const person = await people.createPerson({ name: 'Вера', languageCode: 'en' });
    const page = await people.openMiniApp(person.id, { path: 'digital-id', theme: { bg_color: '#112233' } });
    expect(page.split('#')[0]).toBe(`${APP_URL}/digital-id`);
    expect(new URLSearchParams(new URL(page).hash.slice(1)).get('tgWebAppThemeParams')).toBe(
      '{"bg_color":"#112233"}',
    );
    const launcher = await people.openMiniApp(person.id, { startParam: 'scan' });
    expect(launcher.split('#')[0]).toBe(APP_URL);
    const { check, fields } = launchedAs(sandbox, launcher, 'tgWebAppData');
    expect(check).toMatchObject({ ok: true, user: { id: person.id } });
    expect(fields.get('start_param')).toBe('scan');
  });

  it('says what is missing when the sandbox knows no Mini App URL', async () => {
    const bare = await sandboxOf('telegram', null);
    const person = await bare.people.createPerson({ name: 'Глеб' });
    await expect(bare.people.openMiniApp(person.id, { path: 'digital-id' })).rejects.toThrow(
      /answered 409.*miniAppUrl/,
    );
  });
});

describe('MAX open_app buttons', () => {
  let sandbox: Sandbox;
  let people: SandboxClient;
  let bot: Bot;
  beforeAll(async () => {
    ({ sandbox, people } = await sandboxOf('max'));
    bot = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } });
  });
  const botName = () => sandbox.world.bot.username ?? '';

  it("are kept as the bot's Mini App with the payload, read back as sent, and open with start_param", async () => {
    const person = await people.createPerson({ name: 'Дина' });
    const sent = await bot.api.sendMessageToUser(person.id, 'Касса', {
      attachments: [
        Keyboard.inlineKeyboard([[Keyboard.button.openApp('Сканер', botName(), undefined, 'scan')]]),
      ],
    });
    expect(sent.body.attachments?.[0]).toEqual({
      type: 'inline_keyboard',
      payload: { buttons: [[{ type: 'open_app', text: 'Сканер', web_app: botName(), payload: 'scan' }]] },
    });
    const [entry] = (await people.chat(person.id)).messages;
    expect(entry?.inlineKeyboard).toEqual([
      [{ text: 'Сканер', web_app: { url: APP_URL }, start_param: 'scan' }],
    ]);

    const url = await people.openMiniApp(person.id, { messageId: entry?.messageId ?? 0, text: 'Сканер' });
    expect(url.split('#')[0]).toBe(APP_URL);
    const { check, fields } = launchedAs(sandbox, url, 'WebAppData');
    expect(check).toEqual({ ok: true, user: { id: person.id, languageCode: 'ru' } });
    expect(fields.get('start_param')).toBe('scan');
  });

  it("refuses another bot's app and a payload MAX would refuse, with its 400", async () => {
    const person = await people.createPerson({ name: 'Егор' });
    const send = (button: object) =>
      fetch(`${sandbox.url}/messages?user_id=${person.id}`, {
        method: 'POST',
        headers: { authorization: sandbox.token, 'content-type': 'application/json' },
        body: JSON.stringify({
          text: 'x',
          attachments: [
            { type: 'inline_keyboard', payload: { buttons: [[{ type: 'open_app', text: 'x', ...button }]] } },
          ],
        }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { code: string; message: string },
      }));
    const other = await send({ web_app: 'someone_else_bot' });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 'proto.payload', message: expect.stringMatching(/web_app/) });
    for (const payload of ['scan me', 'x'.repeat(513)]) {
      const bad = await send({ web_app: botName(), payload });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/payload/);
    }
    expect((await people.chat(person.id)).messages).toEqual([]);
  });
});

describe("the sandbox role's Mini App", () => {
  it('is the launcher at PUBLIC_URL/app, also when PUBLIC_URL ends in a slash', async () => {
    const config = parseConfig({
      NODE_ENV: 'test',
      ROLES: 'sandbox',
      PORT: '0',
      SANDBOX_PORT: '0',
      PUBLIC_URL: 'https://id.example.org/',
    });
    const service = await startService(config, createLogger('silent'));
    try {
      const people = new SandboxClient(service.sandbox?.url ?? '');
      const person = await people.createPerson({ name: 'Иван' });
      const url = new URL(await people.openMiniApp(person.id, {}));
      expect(`${url.origin}${url.pathname}`).toBe('https://id.example.org/app');
      expect(new URL(await people.openMiniApp(person.id, { path: 'scan' })).pathname).toBe('/app/scan');
    } finally {
      await service.stop();
    }
  });
});
