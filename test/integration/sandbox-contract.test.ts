import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, GrammyError, InputFile } from 'grammy';
import type { Message, Update } from 'grammy/types';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { waitFor } from '../support/wait';

let sandbox: Sandbox;
let api: Api;
let people: SandboxClient;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent') });
  api = new Api(sandbox.token, { apiRoot: sandbox.url });
  people = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox?.close();
});

const png = (text: string) => QRCode.toBuffer(text, { width: 120 });

async function telegramError(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GrammyError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

/** Reads every pending update and confirms them, as a polling bot does. */
async function drainUpdates(): Promise<Update[]> {
  const updates = await api.getUpdates({ timeout: 0 });
  const last = updates.at(-1);
  if (last) await api.getUpdates({ offset: last.update_id + 1, timeout: 0 });
  return updates;
}

describe('the sandbox Bot API, driven by grammY', () => {
  it('introduces the bot, and refuses a wrong token with 401', async () => {
    const me = await api.getMe();
    expect(me.is_bot).toBe(true);
    expect(me.id).toBe(Number(sandbox.token.split(':')[0]));
    const wrong = new Api('1:wrong-token-wrong-token-wrong', { apiRoot: sandbox.url });
    expect((await telegramError(wrong.getMe())).error_code).toBe(401);
  });

  it('sends text with an inline keyboard and protected content, and numbers messages per chat', async () => {
    const a = await people.createPerson({ name: 'A' });
    const b = await people.createPerson({ name: 'B' });
    const first = await api.sendMessage(a.id, 'Привет', {
      protect_content: true,
      reply_markup: { inline_keyboard: [[{ text: 'Да', callback_data: 'yes' }]] },
    });
    const second = await api.sendMessage(a.id, 'Ещё');
    const other = await api.sendMessage(b.id, 'Другому');
    expect([first.message_id, second.message_id, other.message_id]).toEqual([1, 2, 1]);
    expect(first.has_protected_content).toBe(true);
    const chat = await people.chat(a.id);
    expect(chat.messages[0]).toMatchObject({ text: 'Привет', protectContent: true });
    expect(chat.messages[0]?.inlineKeyboard).toEqual([[{ text: 'Да', callback_data: 'yes' }]]);
  });

  it('answers bad sends as Telegram does', async () => {
    const p = await people.createPerson({ name: 'P' });
    expect((await telegramError(api.sendMessage(p.id, ' '))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await telegramError(api.sendMessage(p.id, 'x'.repeat(4097)))).description).toBe(
      'Bad Request: message is too long',
    );
    expect((await telegramError(api.sendMessage(12345, 'x'))).description).toBe(
      'Bad Request: chat not found',
    );
    // The page renders a link button as a link: only web addresses may be one.
    const script = await telegramError(
      api.sendMessage(p.id, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'Открыть', url: 'javascript:alert(1)' }]] },
      }),
    );
    expect(script.error_code).toBe(400);
    const longData = await telegramError(
      api.sendMessage(p.id, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] },
      }),
    );
    expect(longData.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const res = await fetch(`${sandbox.url}/bot${sandbox.token}/noSuchMethod`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ok: false,
      error_code: 404,
      description: 'Not Found: method not found',
    });
  });

  it('uploads a photo, reuses it by file_id, and serves the same bytes for download', async () => {
    const p = await people.createPerson({ name: 'Photo' });
    const bytes = await png('first');
    const sent = await api.sendPhoto(p.id, new InputFile(bytes, 'qr.png'), { caption: 'QR' });
    const fileId = sent.photo.at(-1)?.file_id as string;
    const again = await api.sendPhoto(p.id, fileId);
    expect(again.photo.at(-1)?.file_id).toBe(fileId);
    const file = await api.getFile(fileId);
    const download = await fetch(`${sandbox.url}/file/bot${sandbox.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await telegramError(api.sendPhoto(p.id, 'no-such-file'))).description).toBe(
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
  });

  it('edits media, caption, text and keyboard in place, and says when nothing changed', async () => {
    const p = await people.createPerson({ name: 'Edit' });
    const photo = await api.sendPhoto(p.id, new InputFile(await png('seq 0'), 'qr.png'), {
      caption: 'seq 0',
    });
    // editMessageMedia answers `true` only for inline messages; a chat message comes back whole.
    const edited = (await api.editMessageMedia(p.id, photo.message_id, {
      type: 'photo',
      media: new InputFile(await png('seq 1'), 'qr.png'),
      caption: 'seq 1',
    })) as Message;
    expect(edited.message_id).toBe(photo.message_id);
    const sameFile = edited.photo?.at(-1)?.file_id as string;
    const notModified = await telegramError(
      api.editMessageMedia(p.id, photo.message_id, { type: 'photo', media: sameFile, caption: 'seq 1' }),
    );
    expect(notModified.description).toMatch(/^Bad Request: message is not modified/);
    await api.editMessageCaption(p.id, photo.message_id, { caption: 'ended' });
    const text = await api.sendMessage(p.id, 'one');
    await api.editMessageText(p.id, text.message_id, 'two', {
      reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'b' }]] },
    });
    await api.editMessageReplyMarkup(p.id, text.message_id);
    const chat = await people.chat(p.id);
    expect(chat.messages).toHaveLength(2);
    expect(chat.messages[0]).toMatchObject({ caption: 'ended', edits: 2 });
    expect(chat.messages[1]).toMatchObject({ text: 'two', edits: 2 });
    expect(chat.messages[1]?.inlineKeyboard).toBeUndefined();
    expect((await telegramError(api.editMessageText(p.id, photo.message_id, 'x'))).description).toBe(
      'Bad Request: there is no text in the message to edit',
    );
  });

  it("refuses to edit a person's message or a deleted one", async () => {
    const p = await people.createPerson({ name: 'Del' });
    const { messageId } = await people.sendText(p.id, 'мой текст');
    expect((await telegramError(api.editMessageText(p.id, messageId, 'x'))).description).toBe(
      "Bad Request: message can't be edited",
    );
    const mine = await api.sendMessage(p.id, 'бот');
    await people.deleteMessage(p.id, mine.message_id);
    expect((await telegramError(api.editMessageText(p.id, mine.message_id, 'x'))).description).toBe(
      'Bad Request: message to edit not found',
    );
    const other = await api.sendMessage(p.id, 'удалю сам');
    expect(await api.deleteMessage(p.id, other.message_id)).toBe(true);
    expect((await telegramError(api.deleteMessage(p.id, other.message_id))).description).toBe(
      'Bad Request: message to delete not found',
    );
    expect((await people.chat(p.id)).messages.map((m) => m.text)).toEqual(['мой текст']);
  });

  it('answers 403 while a person has blocked the bot, and tells the bot with my_chat_member', async () => {
    await drainUpdates();
    const p = await people.createPerson({ name: 'Blocker' });
    await people.block(p.id);
    const blocked = await telegramError(api.sendMessage(p.id, 'x'));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toBe('Forbidden: bot was blocked by the user');
    await people.unblock(p.id);
    expect((await api.sendMessage(p.id, 'снова')).text).toBe('снова');
    const statuses = (await drainUpdates()).map((u) => u.my_chat_member?.new_chat_member.status);
    expect(statuses).toEqual(['kicked', 'member']);
  });

  it('refuses the next new message to a chat when told to, once, for fault tests; edits pass', async () => {
    const p = await people.createPerson({ name: 'Refused' });
    const live = await api.sendMessage(p.id, 'QR 1');
    await people.refuseNextSend(p.id);
    // A live QR's refresh edits its message meanwhile: the fault stays for the new message.
    await api.editMessageText(p.id, live.message_id, 'QR 2');
    const refused = await telegramError(api.sendMessage(p.id, 'не дойдёт'));
    expect([refused.error_code, refused.description]).toEqual([
      400,
      'Bad Request: the sandbox was told to refuse this send',
    ]);
    expect((await api.sendMessage(p.id, 'дойдёт')).text).toBe('дойдёт');
    expect((await people.chat(p.id)).messages.map((m) => m.text)).toEqual(['QR 2', 'дойдёт']);
  });

  it('answers 429 with retry_after above the configured rate', async () => {
    const p = await people.createPerson({ name: 'Flood' });
    await people.setRate(2);
    try {
      await api.sendMessage(p.id, '1');
      await api.sendMessage(p.id, '2');
      const limited = await telegramError(api.sendMessage(p.id, '3'));
      expect(limited.error_code).toBe(429);
      expect(limited.parameters.retry_after).toBeGreaterThanOrEqual(1);
      expect(limited.description).toMatch(/^Too Many Requests: retry after \d+$/);
    } finally {
      await people.setRate(0);
    }
    expect((await people.chat(p.id)).messages.map((m) => m.text)).toEqual(['1', '2']);
  });

  it('delivers messages by long polling, confirming them with offset', async () => {
    await drainUpdates();
    const p = await people.createPerson({ name: 'Poller' });
    const waiting = api.getUpdates({ timeout: 10 });
    await people.sendText(p.id, '/start');
    const [update] = await waiting;
    expect(update?.message?.text).toBe('/start');
    expect(update?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(update?.message?.from?.language_code).toBe('ru');
    const repeat = await api.getUpdates({ timeout: 0 });
    expect(repeat.map((u) => u.update_id)).toEqual([update?.update_id]);
    expect(await api.getUpdates({ offset: (update?.update_id as number) + 1, timeout: 0 })).toEqual([]);
  });

  it('turns a tap on an inline button into a callback_query, and shows its answer once', async () => {
    await drainUpdates();
    const p = await people.createPerson({ name: 'Tapper' });
    const msg = await api.sendMessage(p.id, 'Выберите', {
      reply_markup: { inline_keyboard: [[{ text: 'Одобрить', callback_data: 'approve:1' }]] },
    });
    await expect(people.tap(p.id, msg.message_id, 'approve:2')).rejects.toThrow(/no button with that data/);
    const { callbackQueryId } = await people.tap(p.id, msg.message_id, 'approve:1');
    const [update] = await drainUpdates();
    expect(update?.callback_query).toMatchObject({
      id: callbackQueryId,
      data: 'approve:1',
      from: { id: p.id },
    });
    expect(update?.callback_query?.message?.message_id).toBe(msg.message_id);
    await api.answerCallbackQuery(callbackQueryId, { text: 'Готово' });
    expect((await telegramError(api.answerCallbackQuery(callbackQueryId))).description).toMatch(
      /query ID is invalid/,
    );
    expect((await people.chat(p.id)).callbackAnswers).toEqual([
      {
        callbackQueryId,
        messageId: msg.message_id,
        data: 'approve:1',
        answered: true,
        text: 'Готово',
        showAlert: false,
      },
    ]);
    const forged = await people.tap(p.id, msg.message_id, 'approve:999', { forge: true });
    expect((await drainUpdates())[0]?.callback_query?.id).toBe(forged.callbackQueryId);
  });

  it('has group chats: members write in them, the bot answers there, and any member taps its buttons', async () => {
    await drainUpdates();
    const anna = await people.createPerson({ name: 'Анна' });
    const boris = await people.createPerson({ name: 'Борис' });
    const outsider = await people.createPerson({ name: 'Чужой' });
    const group = await people.createGroup({ title: 'Соседи', members: [anna.id, boris.id] });
    const supergroup = await people.createGroup({ title: 'Дом', type: 'supergroup', members: [anna.id] });
    expect(group.id).toBeLessThan(0);
    expect(String(supergroup.id)).toMatch(/^-100\d{10}$/);
    // Being added to a group reaches the bot as my_chat_member, as on Telegram.
    const added = await drainUpdates();
    expect(added.map((u) => u.my_chat_member?.chat)).toEqual([
      { id: group.id, type: 'group', title: 'Соседи' },
      { id: supergroup.id, type: 'supergroup', title: 'Дом' },
    ]);
    expect(added[0]?.my_chat_member?.new_chat_member.status).toBe('member');

    await people.sendGroupText(group.id, anna.id, '/id');
    await people.sendGroupText(supergroup.id, anna.id, 'привет');
    const [command, greeting] = await drainUpdates();
    expect(command?.message).toMatchObject({
      chat: { id: group.id, type: 'group', title: 'Соседи' },
      from: { id: anna.id, first_name: 'Анна' },
      text: '/id',
      entities: [{ type: 'bot_command', offset: 0, length: 3 }],
    });
    expect(greeting?.message?.chat).toEqual({ id: supergroup.id, type: 'supergroup', title: 'Дом' });
    await expect(people.sendGroupText(group.id, outsider.id, 'hi')).rejects.toThrow(/403.*not a member/);

    const answer = await api.sendMessage(group.id, 'Всем', {
      reply_markup: { inline_keyboard: [[{ text: 'Нажать', callback_data: 'press' }]] },
    });
    expect(answer.chat).toEqual({ id: group.id, type: 'group', title: 'Соседи' });
    const { callbackQueryId } = await people.tapInGroup(group.id, boris.id, answer.message_id, 'press');
    const [tap] = await drainUpdates();
    expect(tap?.callback_query).toMatchObject({
      id: callbackQueryId,
      from: { id: boris.id },
      data: 'press',
      message: { message_id: answer.message_id, chat: { id: group.id, type: 'group' } },
    });
    await api.answerCallbackQuery(callbackQueryId, { text: 'Только вам' });
    const transcript = await people.groupChat(group.id);
    expect(transcript.group).toEqual(group);
    expect(transcript.messages.map((m) => [m.from, m.senderId, m.text])).toEqual([
      ['person', anna.id, '/id'],
      ['bot', undefined, 'Всем'],
    ]);
    expect(transcript.callbackAnswers).toMatchObject([
      { callbackQueryId, answered: true, text: 'Только вам' },
    ]);
    // The group is not anyone's private chat.
    expect((await people.chat(anna.id)).messages).toEqual([]);
  });

  it('shows a reply keyboard with a contact button, and shares the number as Telegram clients do', async () => {
    await drainUpdates();
    const p = await people.createPerson({ name: 'Анна', lastName: 'Смирнова', phone: '+79990000002' });
    await api.sendMessage(p.id, 'Поделитесь номером', {
      reply_markup: {
        keyboard: [[{ text: 'Поделиться номером', request_contact: true }]],
        one_time_keyboard: true,
      },
    });
    expect((await people.chat(p.id)).replyKeyboard?.keyboard).toEqual([
      [{ text: 'Поделиться номером', request_contact: true }],
    ]);
    await people.shareContact(p.id);
    const [update] = await drainUpdates();
    expect(update?.message?.contact).toEqual({
      phone_number: '79990000002',
      first_name: 'Анна',
      last_name: 'Смирнова',
      user_id: p.id,
    });
    expect((await people.chat(p.id)).replyKeyboard).toBeNull();
    await people.shareContact(p.id, { phone: '+79990000007', firstName: 'Чужой' });
    const [foreign] = await drainUpdates();
    expect(foreign?.message?.contact).toEqual({ phone_number: '+79990000007', first_name: 'Чужой' });
  });

  it('keeps command menus per language and per chat scope', async () => {
    const p = await people.createPerson({ name: 'Admin', languageCode: 'en' });
    await api.setMyCommands([{ command: 'start', description: 'Меню' }]);
    await api.setMyCommands([{ command: 'start', description: 'Menu' }], { language_code: 'en' });
    await api.setMyCommands(
      [
        { command: 'start', description: 'Menu' },
        { command: 'stats', description: 'Statistics' },
      ],
      { scope: { type: 'chat', chat_id: p.id } },
    );
    expect((await people.chat(p.id)).commands.map((c) => c.command)).toEqual(['start', 'stats']);
    const other = await people.createPerson({ name: 'Other', languageCode: 'en' });
    expect((await people.chat(other.id)).commands).toEqual([{ command: 'start', description: 'Menu' }]);
    expect(await api.getMyCommands({ language_code: 'en' })).toEqual([
      { command: 'start', description: 'Menu' },
    ]);
    const ru = await people.createPerson({ name: 'Ру' });
    expect((await people.chat(ru.id)).commands).toEqual([{ command: 'start', description: 'Меню' }]);
  });

  it('delivers updates to a webhook with the secret header, and refuses getUpdates meanwhile', async () => {
    await drainUpdates();
    const received: { secret: string | undefined; update: Update }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({
          secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
          update: JSON.parse(body),
        });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      await api.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: 's3cret' });
      expect((await telegramError(api.getUpdates())).error_code).toBe(409);
      const p = await people.createPerson({ name: 'Hooked' });
      await people.sendText(p.id, 'через вебхук');
      const got = await waitFor(() => received[0], 'the webhook POST');
      expect(got.secret).toBe('s3cret');
      expect(got.update.message?.text).toBe('через вебхук');
      expect((await api.getWebhookInfo()).url).toBe(`http://127.0.0.1:${port}/hook`);
    } finally {
      await api.deleteWebhook();
      server.close();
    }
  });

  it('keeps an SMS inbox, newest first, and refuses a malformed SMS', async () => {
    const post = (body: unknown) =>
      fetch(sandbox.smsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post({ to: '+79990000001', text: 'Код: 111111' })).status).toBe(201);
    expect((await post({ to: '+79990000001', text: 'Код: 222222' })).status).toBe(201);
    expect((await post({ to: '89990000001', text: 'x' })).status).toBe(400);
    expect((await post({ to: '+79990000001' })).status).toBe(400);
    expect((await people.sms('+79990000001')).map((s) => s.text)).toEqual(['Код: 222222', 'Код: 111111']);
  });
});
