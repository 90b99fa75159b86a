import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith } from '../support/chat';
import { ADMIN_URL } from '../support/postgres';
import { readinessOnce, startTestService, type TestService } from '../support/service';
import { smsProvider } from '../support/sms-provider';
import { tcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const ADMIN_ID = 525_252;
const lines: string[] = [];
let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let sms: Awaited<ReturnType<typeof smsProvider>>;
let t: TestService;
beforeAll(async () => {
  const server = new URL(ADMIN_URL);
  proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  sms = await smsProvider();
  t = await startTestService(
    { ADMIN_IDS: String(ADMIN_ID), SMS_HTTP_URL: sms.url },
    { databasePort: proxy.port, logLines: lines },
  );
});
afterAll(async () => {
  await proxy?.restore().catch(() => {});
  await t?.stop();
  await proxy?.close();
  await sms?.close();
});

/** A log line: an outage is logged with the error as text, a failed handler with it serialized. */
type Line = { msg?: string; err?: string | { type?: string; payload?: unknown; [key: string]: unknown } };
const entries = () => lines.map((line) => JSON.parse(line) as Line);

describe('errors in the logs', () => {
  it('name no phone, no code and no key when PostgreSQL fails mid-/link and a key cannot be sent', async () => {
    const phone = '+79990000001';
    const person = await t.sandbox.createPerson({ name: 'Иван', phone });
    const chat = chatWith(t.sandbox, person.id);
    await chat.say('/link');

    // The shared contact is handled up to the SMS; PostgreSQL goes away while the provider
    // holds its answer, so the form's state (the contact, the number) fails to be saved.
    sms.state.holding = true;
    await t.sandbox.shareContact(person.id);
    const sent = await waitFor(async () => sms.received[0], 'the SMS at the provider');
    const code = /\d{6}/.exec(sent.body.text)?.[0] as string;
    await proxy.cut();
    sms.release();
    const outage = await waitFor(
      () => entries().find((e) => e.msg === 'a dependency is unavailable; holding the update'),
      'the outage log line',
    );
    expect(outage.err).toMatch(/^Error: Failed query: .*"bot_conversations"[\s\S]*\nparams: \[redacted\]$/);
    // Readiness names the dependency, not the driver's words.
    expect(await readinessOnce(t, 503)).toEqual({ database: 'unavailable', redis: 'ok' });
    await proxy.restore();
    await readinessOnce(t, 200);

    // A freshly issued verifier key whose message the messenger refuses.
    const admin = await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' });
    await t.sandbox.refuseNextSend(admin.id);
    expect((await chatWith(t.sandbox, admin.id).say('/verifier_key Касса 3')).text).toContain(
      'Сервис временно недоступен',
    );
    const refused = await waitFor(
      () =>
        entries().find(
          (e) =>
            e.msg === 'update handler failed' && typeof e.err === 'object' && e.err.type === 'GrammyError',
        ),
      'the failed send in the log',
    );
    expect(refused.err).toMatchObject({ method: 'sendMessage', error_code: 400 });
    expect(refused.err).not.toHaveProperty('payload');

    const all = lines.join('\n');
    expect(all).not.toContain('9990000001');
    expect(all).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(all).not.toMatch(/vk_[A-Za-z0-9_-]{43}/);
  }, 90_000);
});
