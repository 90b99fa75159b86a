import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/free-port';
import { chatWith } from '../support/chat';
import { injectMaxUpdate, maxTextUpdate } from '../support/max';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

// What only MAX has: its webhook's secret header, update types beyond the bot's subset, and a
// contact card that names its owner's MAX user (the bot takes only the sender's own).

const SECRET = randomBytes(16).toString('hex');
const HELP = 'Что умеет бот';
const GREETING = 'Здравствуйте';
/** What Telegram answers someone else's card with (bot/locales/ru.ftl, link-not-own-contact). */
const NOT_OWN =
  'Это чужой контакт. Привязать можно только свой номер: нажмите «📱 Поделиться номером». Начать заново: /link';

let t: TestService;
let webhookUrl: string;
beforeAll(async () => {
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/max-webhook`;
  // The service receives by webhook on its own port: the sandbox posts MAX updates there.
  t = await startTestService(
    { PORT: String(port), WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: SECRET },
    { platform: 'max' },
  );
});
afterAll(async () => {
  await t?.stop();
});

const deliver = (update: object, secret?: string) =>
  fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-max-bot-api-secret': secret } : {}) },
    body: JSON.stringify(update),
  });

/** A new person writing to the bot, and the bot's id as MAX names it. */
async function somebody(name: string, phone?: string) {
  const person = await t.sandbox.createPerson({ name, ...(phone ? { phone } : {}) });
  const { bot } = (await (await fetch(`${t.sandbox.url}/sandbox/api/bot`)).json()) as { bot: { id: number } };
  return { person, chat: chatWith(t.sandbox, person.id), botId: bot.id };
}

describe('the MAX webhook', () => {
  it('refuses a delivery with a wrong or missing secret with 401, and acts on neither', async () => {
    const { person, chat, botId } = await somebody('Анна');
    const forged = maxTextUpdate(person, botId, '/help');
    expect((await deliver(forged, 'not-the-secret-123')).status).toBe(401);
    expect((await deliver(forged)).status).toBe(401);
    // A real message after them is answered, and it is the only answer.
    expect((await chat.say('/start')).text).toContain(GREETING);
    const answers = (await chat.botMessages()).map((m) => m.text ?? '');
    expect(answers.filter((text) => text.startsWith(HELP))).toEqual([]);
    expect(answers).toHaveLength(1);
  });

  it('acknowledges an update type it does not know, and handles the next update', async () => {
    const { chat } = await somebody('Борис');
    const unknown = { update_type: 'message_chat_created', timestamp: Date.now(), chat: { chat_id: 1 } };
    expect((await deliver(unknown, SECRET)).status).toBe(200);
    // The same through the messenger: it would redeliver anything refused before the next update.
    await injectMaxUpdate(t.sandbox.url, unknown);
    expect((await chat.say('/start')).text).toContain(GREETING);
    await waitFor(async () => (await t.sandbox.pendingUpdates()) === 0, 'every update acknowledged');
  });
});

describe('a contact card on MAX', () => {
  async function askedForPhone(name: string, phone: string) {
    const { person, chat } = await somebody(name, phone);
    await chat.say('/link');
    return { person, chat };
  }

  it("refuses another MAX user's card with Telegram's words, and sends no code", async () => {
    const { chat } = await askedForPhone('Мария', '+79990000004');
    const elena = await t.sandbox.createPerson({ name: 'Елена', phone: '+79990000006' });
    const refusal = await chat.shareContact({ phone: '+79990000006', firstName: 'Елена', userId: elena.id });
    expect(refusal.text).toBe(NOT_OWN);
    expect(await t.sandbox.sms('+79990000006')).toEqual([]);
  });

  it('refuses a card of their own number that names no MAX user (sent from the address book)', async () => {
    const { chat } = await askedForPhone('Пётр', '+79990000003');
    const refusal = await chat.shareContact({ phone: '+79990000003', firstName: 'Пётр' });
    expect(refusal.text).toBe(NOT_OWN);
    expect(await t.sandbox.sms('+79990000003')).toEqual([]);
  });
});
