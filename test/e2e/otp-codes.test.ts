import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRepository } from '../../db/repositories/account.repository';
import { chatWith, latestCode } from '../support/chat';
import { TestClock } from '../support/clock';
import { startTestService, type TestService } from '../support/service';

const clock = new TestClock();
let t: TestService;
beforeAll(async () => {
  t = await startTestService({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

/** A demo person who has started /link and shared their number: a code is in the SMS inbox. */
async function codeSent(name: string, phone: string) {
  const person = await t.sandbox.createPerson({ name, phone });
  const chat = chatWith(t.sandbox, person.id);
  await chat.say('/link');
  const sent = await chat.shareContact();
  expect(sent.text).toContain('Он действует 10 минут');
  return { person, chat, sent, code: await latestCode(t.sandbox, phone) };
}

const linked = async (userId: number) => (await accountRepository(t.database.db).findLinkedTo(userId))?.id;
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

describe('one-time codes through /link', () => {
  it('live ten minutes: the right code is taken just before, and refused, saying why, at ten minutes', async () => {
    const early = await codeSent('Иван', '+79990000001');
    // Five seconds short of ten minutes, for the real time the round trip itself takes.
    clock.advance(10 * 60 - 5);
    expect((await early.chat.say(early.code)).text).toContain('Готово, Иван!');

    const late = await codeSent('Елена', '+79990000006');
    clock.advance(10 * 60);
    expect((await late.chat.say(late.code)).text).toBe('Срок действия кода истёк. Начните заново: /link');
    expect(await linked(late.person.id)).toBeUndefined();
  });

  it('keep the failure count across a resend: after three wrong tries and a new code, the sixth try is refused', async () => {
    const { person, chat, sent, code } = await codeSent('Ольга', '+79990000008');
    const wrong = wrongFor(code);
    for (const left of [4, 3, 2]) {
      expect((await chat.say(wrong)).text).toBe(`Неверный код. Осталось попыток: ${left}.`);
    }
    clock.advance(61);
    await chat.tap(sent.messageId, 'link:resend');
    const fresh = await latestCode(t.sandbox, '+79990000008', 1);
    expect((await chat.say(wrongFor(fresh))).text).toBe('Неверный код. Осталось попыток: 1.');
    expect((await chat.say(wrongFor(fresh))).text).toContain('Слишком много неверных попыток');
    // The sixth try, with the right new code, is not taken; nor does a new /link send another code.
    expect((await chat.say(fresh)).text).toContain('Сейчас код не запрашивался');
    await chat.say('/link');
    expect((await chat.shareContact()).text).toContain('Слишком много неверных попыток');
    expect(await t.sandbox.sms('+79990000008')).toHaveLength(2);
    expect(await linked(person.id)).toBeUndefined();
  });
});
