import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith, latestCode } from '../support/chat';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const KEY = randomBytes(32).toString('base64');
const lines: string[] = [];
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ KEY_ENCRYPTION_KEY: KEY }, { logLines: lines });
});
afterAll(async () => {
  await t?.stop();
});

const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('the logs', () => {
  it('tie each line to its update, mask phones and hold no codes, tokens or keys', async () => {
    const phone = '+79990000002';
    const person = await t.sandbox.createPerson({ name: 'Анна', phone, languageCode: 'ru' });
    const chat = chatWith(t.sandbox, person.id);
    await chat.say('/link');
    await chat.shareContact();
    const code = await latestCode(t.sandbox, phone);
    await chat.ask(code, 'Готово');

    const sms = await waitFor(() => entries().find((e) => e.msg === 'SMS sent'), 'the SMS log line');
    // The SMS went out while the shared contact was handled: the line says which update that was.
    expect(sms.updateId).toEqual(expect.any(Number));
    expect(sms.to).toBe('+*******0002');

    const all = lines.join('\n');
    expect(all).not.toContain('79990000002');
    expect(all).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(all).not.toContain(t.service.sandbox!.token);
    expect(all).not.toContain(KEY);
  });

  it('tie each line of an HTTP request to its id', async () => {
    const response = await fetch(`${t.service.httpUrl}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t.service.backend!.portalToken}`,
        'content-type': 'application/json',
      },
      body: '{"accountId": "demo-02"}',
    });
    // Anna has no trusted contact: refused, and the refusal is logged under the request's id.
    expect(response.status).toBe(409);
    const line = await waitFor(
      () => entries().find((e) => e.msg === 'recovery asked for by the portal'),
      'the API log line',
    );
    expect(line.outcome).toBe('no_contact');
    expect(line.requestId).toEqual(expect.stringMatching(/.+/));
  });
});
