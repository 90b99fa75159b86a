import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatWith } from '../support/chat';
import { openDigitalId, qrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { ADMIN_URL } from '../support/postgres';
import { readinessOnce, startTestService, type TestService } from '../support/service';
import { tcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

const UNAVAILABLE = 'Ваше сообщение не потеряется';

let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let t: TestService;
beforeAll(async () => {
  const server = new URL(ADMIN_URL);
  proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  t = await startTestService(
    { QR_REFRESH_SECONDS: '1', TOKEN_TTL_SECONDS: '10', QR_SESSION_SECONDS: '600' },
    { databasePort: proxy.port },
  );
});
afterAll(async () => {
  await proxy?.restore().catch(() => {});
  await t?.stop();
  await proxy?.close();
});

describe('PostgreSQL going away and coming back', () => {
  it('tells people their message waits, then answers it; refreshes resume', async () => {
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    const ivan = await linkedPerson(t, 'Иван', '+79990000001');
    const qr = await openDigitalId(ivan.chat, 'adult');
    // Refreshing: the bot has finished opening the session.
    const shown = async () => {
      const entry = (await ivan.chat.botMessages()).find((m) => m.messageId === qr.messageId);
      return entry ? (await qrOf(t, entry)).seq : -1;
    };
    const before = await waitFor(async () => (await shown()) >= 1 && shown(), 'the first refresh');

    await proxy.cut();
    expect((await readinessOnce(t, 503)).database).toMatch(/^unavailable/);

    // Anna asks for her Digital ID while the database is away: she is told, not ignored.
    const asked = (await anna.chat.botMessages()).length;
    const told = await anna.chat.say('/id');
    expect(told.text).toContain(UNAVAILABLE);
    expect((await anna.chat.botMessages()).slice(asked).map((m) => m.text)).toEqual([told.text]);

    await proxy.restore();
    await readinessOnce(t, 200);
    // Her /id is answered without her sending it again.
    const choice = await waitFor(
      async () =>
        (await anna.chat.botMessages())
          .slice(asked)
          .find((m) =>
            m.inlineKeyboard
              ?.flat()
              .some((b) => 'callback_data' in b && b.callback_data === 'did:open:adult'),
          ),
      'the answer to the /id sent during the outage',
      60_000,
    );
    expect(choice.text).toContain('Что нужно подтвердить');
    // Ivan's QR, whose refresh jobs failed meanwhile, refreshes again.
    await waitFor(async () => (await shown()) > before + 2, 'refreshes after the outage', 60_000);
  }, 150_000);

  it('answers a person who writes after the outage at once', async () => {
    const oleg = await t.sandbox.createPerson({ name: 'Олег', phone: '+79990000003' });
    const reply = await chatWith(t.sandbox, oleg.id).say('/start');
    expect(reply.text).toContain('Здравствуйте');
  });
});
