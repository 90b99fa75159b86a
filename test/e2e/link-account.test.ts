import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRepository } from '../../db/repositories/account.repository';
import { chatWith, latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { startTestService, type TestService } from '../support/service';

const clock = new TestClock();
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ SMS_MAX_PER_PHONE_PER_DAY: '4' }, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const linkedAccount = (userId: number) => accountRepository(t.database.db).findLinkedTo(userId);

/** A demo person (see db/registry/demo-registry.ts) who starts /link and shares their number. */
async function startLinking(name: string, phone: string, languageCode = 'ru') {
  const person = await t.sandbox.createPerson({ name, phone, languageCode });
  const chat = chatWith(t.sandbox, person.id);
  const ask = await chat.say('/link');
  const { replyKeyboard } = await t.sandbox.chat(person.id);
  expect(ask.text).toContain(languageCode === 'en' ? 'share your phone number' : 'поделитесь своим номером');
  expect(replyKeyboard?.keyboard[0]).toEqual([
    { text: languageCode === 'en' ? '📱 Share my number' : '📱 Поделиться номером', request_contact: true },
  ]);
  return { person, chat };
}

describe('linking the Gosuslugi account', () => {
  it('links with the code from the SMS inbox', async () => {
    const { person, chat } = await startLinking('Иван', '+79990000001');
    const sent = await chat.shareContact();
    expect(sent.text).toContain('+*******0001');
    const code = await latestCode(t.sandbox, '+79990000001');
    const done = await chat.say(code);
    expect(done.text).toContain('Готово, Иван!');
    expect((await linkedAccount(person.id))?.id).toBe('demo-01');
  });

  it("refuses someone else's contact card and sends no code", async () => {
    const { person, chat } = await startLinking('Мария', '+79990000004');
    const refusal = await chat.shareContact({ phone: '+79990000006', firstName: 'Елена', userId: 777 });
    expect(refusal.text).toContain('Это чужой контакт');
    expect(await t.sandbox.sms('+79990000006')).toEqual([]);
    expect(await linkedAccount(person.id)).toBeNull();
  });

  it('says how to confirm an account for an unconfirmed or unknown number, sending no code', async () => {
    for (const phone of ['+79990000011', '+79998887766']) {
      const { person, chat } = await startLinking('Николай', phone);
      const answer = await chat.shareContact();
      expect(answer.text).toContain('Не нашли подтверждённую учётную запись');
      expect(answer.text).toContain('МФЦ');
      expect(await t.sandbox.sms(phone)).toEqual([]);
      expect(await linkedAccount(person.id)).toBeNull();
    }
  });

  it('counts only six digits as a try, and locks the code after five wrong ones', async () => {
    const { person, chat } = await startLinking('Дмитрий', '+79990000007');
    await chat.shareContact();
    const code = await latestCode(t.sandbox, '+79990000007');
    for (const slip of ['12 34 56', 'abcdef', '12345', '1234567']) {
      expect((await chat.say(slip)).text).toContain('Код — это 6 цифр');
    }
    const wrong = code === '000000' ? '111111' : '000000';
    for (let left = 4; left >= 1; left--) {
      expect((await chat.say(wrong)).text).toBe(`Неверный код. Осталось попыток: ${left}.`);
    }
    expect((await chat.say(wrong)).text).toContain('Слишком много неверных попыток');
    const afterLock = await chat.say(code);
    expect(afterLock.text).toContain('Сейчас код не запрашивался');
    expect(await linkedAccount(person.id)).toBeNull();
  });

  it('resends no sooner than a minute, and the new code replaces the old one', async () => {
    const { person, chat } = await startLinking('Ольга', '+79990000008');
    const sent = await chat.shareContact();
    const first = await latestCode(t.sandbox, '+79990000008');
    const notice = await chat.tapForNotice(sent.messageId, 'link:resend');
    expect(notice).toMatch(/^Новый код можно запросить через \d+ с\.$/);
    clock.advance(61);
    await chat.tap(sent.messageId, 'link:resend');
    const second = await latestCode(t.sandbox, '+79990000008', 1);
    if (second !== first) expect((await chat.say(first)).text).toContain('Неверный код');
    expect((await chat.say(second)).text).toContain('Готово, Ольга!');
    expect((await linkedAccount(person.id))?.id).toBe('demo-08');
  });

  it('moves the account when it is linked from another chat, telling the first one', async () => {
    const first = await startLinking('Светлана', '+79990000012');
    await first.chat.shareContact();
    await first.chat.say(await latestCode(t.sandbox, '+79990000012'));
    const second = await startLinking('Светлана', '+79990000012', 'en');
    await second.chat.shareContact();
    const done = await second.chat.say(await latestCode(t.sandbox, '+79990000012', 1));
    expect(done.text).toContain('Done, Светлана!');
    await first.chat.waitForText('привязали в другом чате');
    expect((await linkedAccount(second.person.id))?.id).toBe('demo-12');
    expect(await linkedAccount(first.person.id)).toBeNull();
  });

  it('unlinks with /unlink', async () => {
    const { person, chat } = await startLinking('Алексей', '+79990000009');
    await chat.shareContact();
    await chat.say(await latestCode(t.sandbox, '+79990000009'));
    expect((await chat.say('/unlink')).text).toContain('отвязана');
    expect(await linkedAccount(person.id)).toBeNull();
    expect((await chat.say('/unlink')).text).toContain('не привязана');
  });

  it('lets a command end the form and run, and cancels on request', async () => {
    const { chat } = await startLinking('Пётр', '+79990000003');
    expect((await chat.say('/help')).text).toContain('Что умеет бот');
    await chat.say('/link');
    expect((await chat.say('Отмена')).text).toBe('Привязка отменена.');
    expect((await chat.say('привет')).text).toContain('/start');
  });

  it('stops sending codes to a number after SMS_MAX_PER_PHONE_PER_DAY', async () => {
    let answer = '';
    for (let i = 0; i < 5; i++) {
      const { chat } = await startLinking(`Анна ${i}`, '+79990000002');
      answer = (await chat.shareContact()).text ?? '';
    }
    expect(answer).toContain('слишком много СМС');
    expect(await t.sandbox.sms('+79990000002')).toHaveLength(4);
  });
});
