import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../sandbox/world';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

let t: TestService;
beforeAll(async () => {
  // Figures the information pages state come from the configuration, not from the texts.
  t = await startTestService({ TRUSTORS_PER_CONTACT: '3', QR_REFRESH_SECONDS: '20' });
});
afterAll(async () => {
  await t?.stop();
});

const botMessages = async (personId: number): Promise<ChatEntry[]> =>
  (await t.sandbox.chat(personId)).messages.filter((m) => m.from === 'bot');

const nthBotMessage = (personId: number, n: number) =>
  waitFor(async () => (await botMessages(personId))[n - 1], `bot message #${n}`);

describe('the bot in the sandbox', () => {
  it('greets in Russian with the service menu on /start', async () => {
    const anna = await t.sandbox.createPerson({ name: 'Анна', languageCode: 'ru' });
    await t.sandbox.sendText(anna.id, '/start');
    const greeting = await nthBotMessage(anna.id, 1);
    expect(greeting.text).toContain('Здравствуйте, Анна!');
    expect(greeting.text).toContain('Цифровой ID');
    expect(greeting.text).toContain('Доверенный контакт');
    const buttons = greeting.inlineKeyboard?.flat().map((b) => b.text);
    expect(buttons).toEqual([
      '🔗 Привязать Госуслуги',
      '🪪 Цифровой ID',
      '📱 Открыть как приложение',
      '🤝 Доверенный контакт',
      '🛡 Как не попасться мошенникам',
      '❓ Помощь',
    ]);
  });

  it('speaks English to a person whose language is English', async () => {
    const john = await t.sandbox.createPerson({ name: 'John', languageCode: 'en' });
    await t.sandbox.sendText(john.id, '/start');
    const greeting = await nthBotMessage(john.id, 1);
    expect(greeting.text).toContain('Hello, John!');
    expect(greeting.inlineKeyboard?.flat().map((b) => b.text)).toContain('🤝 Trusted contact');
    const { commands } = await t.sandbox.chat(john.id);
    expect(commands.map((c) => c.description)).toContain('Safety advice');
  });

  it('answers an unknown command with what it can do, and free text with a pointer to the menu', async () => {
    const petr = await t.sandbox.createPerson({ name: 'Пётр' });
    await t.sandbox.sendText(petr.id, '/frobnicate');
    const help = await nthBotMessage(petr.id, 1);
    expect(help.text).toContain('Такой команды нет');
    expect(help.text).toContain('/start');
    await t.sandbox.sendText(petr.id, 'привет');
    const pointer = await nthBotMessage(petr.id, 2);
    expect(pointer.text).toContain('/start');
    expect(pointer.text).not.toContain('Такой команды нет');
  });

  it('opens an information page in place of the menu when its button is tapped', async () => {
    const olga = await t.sandbox.createPerson({ name: 'Ольга' });
    await t.sandbox.sendText(olga.id, '/start');
    const menu = await nthBotMessage(olga.id, 1);
    const { callbackQueryId } = await t.sandbox.tap(olga.id, menu.messageId, 'info:trusted-contact');
    const page = await waitFor(async () => {
      const edited = (await botMessages(olga.id)).find((m) => m.messageId === menu.messageId);
      return edited && edited.edits > 0 ? edited : undefined;
    }, 'the menu message to become the page');
    expect(page.text).toContain('от 14 лет');
    expect(page.text).toContain('старше 18 лет');
    expect(page.text).toContain('не более чем для 3 человек.');
    expect(await botMessages(olga.id)).toHaveLength(1);
    const { callbackAnswers } = await t.sandbox.chat(olga.id);
    expect(callbackAnswers.find((a) => a.callbackQueryId === callbackQueryId)?.answered).toBe(true);

    await t.sandbox.tap(olga.id, menu.messageId, 'menu:home');
    await waitFor(
      async () => (await botMessages(olga.id))[0]?.text?.includes('Выберите, о чём рассказать'),
      'the menu back in place',
    );
  });

  it('tells how to get biometrics on the Digital ID page', async () => {
    const ivan = await t.sandbox.createPerson({ name: 'Иван' });
    await t.sandbox.sendText(ivan.id, '/start');
    const menu = await nthBotMessage(ivan.id, 1);
    await t.sandbox.tap(ivan.id, menu.messageId, 'info:digital-id');
    const page = await waitFor(
      async () => (await botMessages(ivan.id)).find((m) => m.text?.startsWith('🪪 Цифровой ID')),
      'the Digital ID page',
    );
    expect(page.text).toContain('загранпаспорту нового образца');
    expect(page.text).toContain('в банке');
    expect(page.text).toContain('не передаются');
    expect(page.text).toContain('Код обновляется каждые 20 секунд.');
  });

  it('handles an update delivered twice only once', async () => {
    const maria = await t.sandbox.createPerson({ name: 'Мария' });
    const { updateId } = await t.sandbox.sendText(maria.id, '/help');
    await nthBotMessage(maria.id, 1);
    await t.sandbox.redeliver(updateId as number);
    // A later update proves the redelivered one has been processed (updates of a chat run in order).
    await t.sandbox.sendText(maria.id, '/safety');
    await nthBotMessage(maria.id, 2);
    const replies = await botMessages(maria.id);
    expect(replies.map((m) => m.text?.split('\n')[0])).toEqual([
      'Что умеет бот',
      '🛡 Как не попасться мошенникам',
    ]);
  });

  it('answers a shared contact card that nothing asked for', async () => {
    const sveta = await t.sandbox.createPerson({ name: 'Света', phone: '+79990000012' });
    await t.sandbox.shareContact(sveta.id);
    const reply = await nthBotMessage(sveta.id, 1);
    expect(reply.text).toContain('номер получен');
  });
});
