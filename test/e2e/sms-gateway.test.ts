import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith } from '../support/chat';
import { startTestService, type TestService } from '../support/service';
import { smsProvider } from '../support/sms-provider';
import { waitFor } from '../support/wait';

const TOKEN = `sms_${randomBytes(18).toString('base64url')}`;
const lines: string[] = [];
let provider: Awaited<ReturnType<typeof smsProvider>>;
let t: TestService;
beforeAll(async () => {
  provider = await smsProvider({ token: TOKEN });
  t = await startTestService({ SMS_HTTP_URL: provider.url, SMS_HTTP_TOKEN: TOKEN }, { logLines: lines });
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

describe('the SMS gateway', () => {
  it('is called with the bearer token SMS_HTTP_TOKEN, which never reaches the logs', async () => {
    const phone = '+79990000001';
    const person = await t.sandbox.createPerson({ name: 'Иван', phone });
    const chat = chatWith(t.sandbox, person.id);
    await chat.say('/link');
    // The provider took the SMS (it refuses a request without its token), so the code is on its way.
    expect((await chat.shareContact()).text).toContain('+*******0001');
    const sms = await waitFor(async () => provider.received[0], 'the SMS at the provider');
    expect(sms.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sms.body.to).toBe(phone);
    const code = /\d{6}/.exec(sms.body.text)?.[0] as string;
    expect((await chat.say(code)).text).toContain('Готово, Иван!');

    await waitFor(async () => lines.some((l) => l.includes('"SMS sent"')), 'the SMS log line');

    // A provider failure is logged with its error, and still without the token.
    provider.state.down = true;
    const anna = await t.sandbox.createPerson({ name: 'Анна', phone: '+79990000002' });
    const annaChat = chatWith(t.sandbox, anna.id);
    await annaChat.say('/link');
    expect((await annaChat.shareContact()).text).toContain('Сервис временно недоступен');
    expect(lines.some((l) => l.includes('the SMS gateway answered 503'))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});
