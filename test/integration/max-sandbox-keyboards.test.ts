import { type Api, Bot, Keyboard } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';

// The MAX dialect's keyboards a person answers with their own words or card (MAX has no reply
// keyboards), and the test routes the MAX e2e suite relies on. The SDK drives the bot's side.

let sandbox: Sandbox;
let api: Api;
let people: SandboxClient;
let marker: number | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  api = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } }).api;
  people = new SandboxClient(sandbox.url);
});
afterAll(async () => {
  await sandbox?.close();
});

/** Polls as a bot does, committing what the previous poll returned. */
async function poll(types: string[] = []): Promise<Update[]> {
  const answer = await api.getUpdates(types as Parameters<Api['getUpdates']>[0], {
    timeout: 1,
    ...(marker ? { marker } : {}),
  });
  marker = answer.marker ?? undefined;
  return answer.updates;
}

/** A person the SDK asked for their phone the way the MAX bot does: share it, or cancel. */
async function askedForPhone(phone?: string) {
  const person = await people.createPerson({ name: 'Пётр', ...(phone ? { phone } : {}) });
  await api.sendMessageToUser(person.id, 'Поделитесь номером', {
    attachments: [
      Keyboard.inlineKeyboard([
        [Keyboard.button.requestContact('📱 Поделиться номером')],
        [Keyboard.button.message('Отмена')],
      ]),
    ],
  });
  await poll();
  return person;
}

const attachmentOf = (update: Update | undefined) =>
  update?.update_type === 'message_created' ? update.message.body.attachments?.[0] : undefined;

describe('message and request_contact buttons', () => {
  it('keeps both in the chat, listed once each as the buttons that send words or the contact', async () => {
    const person = await askedForPhone();
    const chat = await people.chat(person.id);
    expect(chat.messages[0]?.inlineKeyboard).toEqual([
      [{ text: '📱 Поделиться номером', request_contact: true }],
      [{ text: 'Отмена', send_text: true }],
    ]);
    expect(chat.textButtons).toEqual([
      { text: '📱 Поделиться номером', contact: true },
      { text: 'Отмена', contact: false },
    ]);
    expect(chat.replyKeyboard).toBeNull();
    // Asked again: the same two buttons once each, the newest message's first.
    await api.sendMessageToUser(person.id, 'Ещё раз', {
      attachments: [Keyboard.inlineKeyboard([[Keyboard.button.message('Отмена')]])],
    });
    expect((await people.chat(person.id)).textButtons).toEqual([
      { text: 'Отмена', contact: false },
      { text: '📱 Поделиться номером', contact: true },
    ]);
  });

  it('pressing the message button sends its text as the person’s message', async () => {
    const person = await askedForPhone();
    await people.press(person.id, 'Отмена');
    const [update] = await poll();
    if (update?.update_type !== 'message_created') throw new Error(`got ${update?.update_type}`);
    expect(update.message).toMatchObject({ sender: { user_id: person.id }, body: { text: 'Отмена' } });
    expect(update.message.body.attachments ?? []).toEqual([]);
  });

  it('pressing request_contact sends the person’s own card, with their user_id in max_info', async () => {
    const person = await askedForPhone('+79161112233');
    await people.press(person.id, '📱 Поделиться номером');
    const card = attachmentOf((await poll())[0]);
    if (card?.type !== 'contact') throw new Error(`got ${card?.type}`);
    expect(card.payload.max_info?.user_id).toBe(person.id);
    expect(card.payload.vcf_info).toContain('TEL;TYPE=cell:79161112233');
  });

  it('refuses a press of a button the chat does not show', async () => {
    const person = await askedForPhone();
    await expect(people.press(person.id, 'Другое')).rejects.toThrow(/404/);
    expect(await poll()).toEqual([]);
  });

  it('sends someone else’s card with their user_id, or with no max_info for a stranger', async () => {
    const person = await askedForPhone('+79161112233');
    const other = await people.createPerson({ name: 'Елена', phone: '+79990000006' });
    await people.shareContact(person.id, { phone: '+79990000006', firstName: 'Елена', userId: other.id });
    await people.shareContact(person.id, { phone: '+79990000007', firstName: 'Алексей' });
    const [known, stranger] = (await poll()).map(attachmentOf);
    if (known?.type !== 'contact' || stranger?.type !== 'contact') throw new Error('contacts expected');
    expect(known.payload.max_info?.user_id).toBe(other.id);
    expect(known.payload.vcf_info).toContain('TEL;TYPE=cell:+79990000006');
    expect(stranger.payload.max_info).toBeNull();
  });
});

describe('test routes of the MAX dialect', () => {
  it('counts what a poll has not committed', async () => {
    await poll();
    const person = await people.createPerson({ name: 'Зоя' });
    await people.sendText(person.id, 'раз');
    await people.sendText(person.id, 'два');
    expect(await people.pendingUpdates()).toBe(2);
    await poll();
    expect(await people.pendingUpdates()).toBe(2);
    await poll();
    expect(await people.pendingUpdates()).toBe(0);
  });

  it('injects a raw update of any type, delivered past the types a poll asks for', async () => {
    await poll();
    const raw = { update_type: 'message_chat_created', timestamp: Date.now(), chat: { chat_id: 1 } };
    const res = await fetch(`${sandbox.url}/sandbox/api/max/updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(raw),
    });
    expect(res.status).toBe(201);
    expect(await poll(['message_created'])).toEqual([raw]);
  });
});
