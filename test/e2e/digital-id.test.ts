import { Job, type JobType, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/config';
import { nobleEd25519 } from '../../core/digital-id/ed25519';
import { signingInput } from '../../core/digital-id/token-format';
import { moscowDate } from '../../core/identity/calendar';
import { demoRegistry } from '../../db/registry/demo-registry';
import { importRegistry } from '../../db/registry/import-registry';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import type { ChatEntry } from '../../sandbox/world';
import { QUEUES } from '../../workers/queues';
import { type Chat, chatWith } from '../support/chat';
import { TestClock } from '../support/clock';
import { openDigitalId, qrOf, sentQrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { fetchPhoto, readQr } from '../support/qr';
import { REDIS_URL } from '../support/redis';
import { startTestService, type TestService } from '../support/service';
import { waitFor } from '../support/wait';

const clock = new TestClock();
const serviceOn = servicePerPlatform((platform) =>
  startTestService(
    { QR_REFRESH_SECONDS: '1', TOKEN_TTL_SECONDS: '10', QR_SESSION_SECONDS: '600' },
    { clock, platform },
  ),
);
/** The service of the suite running now, and its outgoing queue. */
let t: TestService;
let queue: Queue;
function useService(platform: Platform) {
  beforeAll(async () => {
    t = await serviceOn(platform);
    queue = new Queue(QUEUES.outgoing.name, { connection: { url: REDIS_URL }, prefix: t.config.queuePrefix });
  });
  afterAll(async () => {
    await queue?.close();
  });
}

const current = async (chat: Chat, messageId: number) =>
  (await chat.botMessages()).find((m) => m.messageId === messageId) as ChatEntry;

describe.each(E2E_PLATFORMS)('Digital ID on %s', (platform) => {
  useService(platform);

  it('shows a signed QR in one photo, re-signs it in place twice, and stops', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const photo = await openDigitalId(chat, 'adult');
    // MAX has no protect_content: there the QR's short life is its only protection.
    expect(photo.protectContent).toBe(platform === 'telegram');
    expect(photo.caption).toContain('Цифровой ID: возраст 18+');
    const first = await sentQrOf(t, photo);
    expect(first.seq).toBe(0);
    expect(first.url.startsWith(`${t.service.publicUrl}/v/`)).toBe(true);

    const keys = (await (await fetch(`${t.service.httpUrl}/.well-known/digital-id/keys`)).json()) as {
      keys: { kid: number; publicKey: string; status: string }[];
    };
    const key = keys.keys.find((k) => k.kid === first.token.fields.kid);
    expect(key?.status).toBe('active');
    const publicKey = new Uint8Array(Buffer.from(key!.publicKey, 'base64url'));

    const refreshed = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.edits >= 2 ? entry : undefined;
    }, 'two refreshes');
    // Every picture the message showed, read off its image as a camera would: sent, then each edit.
    const shown = await Promise.all(
      refreshed.timeline
        .slice(0, 3)
        .map(async ({ fileId }) => readQr(await fetchPhoto(t.sandbox.url, fileId as string))),
    );
    expect(shown.map((qr) => qr.seq)).toEqual([0, 1, 2]);
    for (const qr of shown) {
      expect(qr.sid).toBe(first.sid);
      expect(nobleEd25519.verify(publicKey, signingInput(qr.token.header), qr.token.signature)).toBe(true);
    }
    expect((await chat.botMessages()).filter((m) => m.photo)).toHaveLength(1);

    await chat.tap(photo.messageId, `did:stop:${(await sessionOf(first.sid)).id}`);
    const stopped = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.caption?.includes('Остановлено') ? entry : undefined;
    }, 'the stopped caption');
    expect(stopped.inlineKeyboard?.flat().map((b) => b.text)).toEqual(['🪪 Показать снова']);
    const session = await sessionOf(first.sid);
    expect(session.status).toBe('stopped');
    // The loop is over. The job already waiting for the next seq runs and finds nothing to do;
    // or, when Stop came while a refresh was on its way, that refresh put the stopped screen back
    // and scheduled none. Each job is judged on one snapshot read: asking Redis for its state
    // after would race the job's end, and show a finished job without its return value.
    const last = await waitFor(async () => {
      const next = await Job.fromId(queue, `qr-${session.id}-${session.seq + 1}`);
      if (next?.finishedOn) return next;
      const shown = await Job.fromId(queue, `qr-${session.id}-${session.seq}`);
      return shown?.finishedOn && shown.returnvalue === 'ended' ? shown : undefined;
    }, 'the refresh chain to end');
    expect(['stale', 'ended']).toContain(last.returnvalue);
    expect((await sessionOf(first.sid)).seq).toBe(session.seq);
    const final = await current(chat, photo.messageId);
    expect(final.caption).toContain('Остановлено');
    expect(final.inlineKeyboard?.flat().map((b) => b.text)).toEqual(['🪪 Показать снова']);
  });
});

describe.each(E2E_PLATFORMS)('Digital ID on %s, stopped while a refresh is on its way', (platform) => {
  useService(platform);

  /** Stop tapped while the next refresh's edit is held on its way; then `meanwhile`, and it lands. */
  async function stopWhileRefreshing(name: string, meanwhile: (personId: number) => Promise<unknown>) {
    const { person, chat } = await linkedPerson(t, name, '+79990000001');
    const photo = await openDigitalId(chat, 'adult');
    const session = await sessionOf((await qrOf(t, photo)).sid);
    await t.sandbox.holdNextEdit(person.id);
    await waitFor(() => t.sandbox.editWaiting(person.id), 'a refresh on its way');
    await chat.tap(photo.messageId, `did:stop:${session.id}`);
    const stopped = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.caption?.includes('Остановлено') ? entry : undefined;
    }, 'the stopped caption');
    await meanwhile(person.id);
    await t.sandbox.releaseEdit(person.id);
    // The refresh lands on the stopped screen, and the stopped screen is put back over it.
    const last = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.edits >= stopped.edits + 2 ? entry : undefined;
    }, 'the refresh and the stopped screen again');
    expect(last.caption).toContain('Остановлено');
    expect(last.inlineKeyboard?.flat().map((b) => b.text)).toEqual(['🪪 Показать снова']);
    expect((await digitalIdSessionRepository(t.database.db).find(session.id))?.status).toBe('stopped');
  }

  it('shows the stopped screen last, not the refreshed QR that landed after it', async () => {
    await stopWhileRefreshing('Пётр', async () => {});
  });

  it('puts the stopped screen back by a worker that tries again when the messenger is busy then', async () => {
    await stopWhileRefreshing('Павел', (personId) => t.sandbox.busyNextEdit(personId));
  });
});

describe('Digital ID, on Telegram', () => {
  useService('telegram');

  it('ends the refresh chain of a session that an unlink erased', async () => {
    const { chat } = await linkedPerson(t, 'Алексей', '+79990000007');
    const photo = await openDigitalId(chat, 'adult');
    const session = await sessionOf((await qrOf(t, photo)).sid);
    expect((await chat.say('/unlink')).text).toContain('отвязана');
    await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.caption?.includes('Сессия прекращена') ? entry : undefined;
    }, 'the ended screen');
    expect(await digitalIdSessionRepository(t.database.db).find(session.id)).toBeNull();
    // The job waiting for the next seq finds no session: it changes nothing and schedules none.
    const jobsOf = async (states: JobType[]) =>
      (await queue.getJobs(states)).filter((j) => j.id?.startsWith(`qr-${session.id}-`));
    const last = await waitFor(async () => {
      const done = await jobsOf(['completed']);
      const open = await jobsOf(['active', 'waiting', 'delayed', 'prioritized']);
      return open.length === 0 ? done.find((j) => j.returnvalue === 'stale') : undefined;
    }, 'the pending refresh job to end the chain');
    expect(last.returnvalue).toBe('stale');
    expect((await current(chat, photo.messageId)).caption).toContain('Сессия прекращена');
  });

  it('refuses a 15-year-old, a person without biometrics and an unlinked person, saying why', async () => {
    const maria = await linkedPerson(t, 'Мария', '+79990000004');
    expect((await maria.chat.say('/id')).text).toBe('Цифровой ID доступен гражданам России с 18 лет.');
    const sergey = await linkedPerson(t, 'Сергей', '+79990000009');
    const noBiometrics = await sergey.chat.say('/id');
    expect(noBiometrics.text).toContain('загранпаспорту нового образца');
    expect(noBiometrics.text).toContain('в банке');
    const stranger = await t.sandbox.createPerson({ name: 'Гость' });
    expect((await chatWith(t.sandbox, stranger.id).say('/id')).text).toContain('/link');
  });

  it('offers only the statuses a person holds today', async () => {
    const tatiana = await linkedPerson(t, 'Татьяна', '+79990000010');
    const choice = await tatiana.chat.say('/id');
    // Besides the statuses, the choice offers the Mini App (mini-app-buttons.test.ts).
    const statuses = (entry: ChatEntry) => entry.inlineKeyboard?.flat().filter((b) => 'callback_data' in b);
    expect(statuses(choice)?.map((b) => b.text)).toEqual(['возраст 18+']);
    const alexey = await linkedPerson(t, 'Алексей', '+79990000007', 'en');
    const options = await alexey.chat.say('/id');
    expect(statuses(options)?.map((b) => 'callback_data' in b && b.callback_data)).toEqual([
      'did:open:adult',
      'did:open:large_family',
      'did:open:svo_participant',
    ]);
    // A tampered client asks for a status the person does not hold.
    await alexey.chat.tap(options.messageId, 'did:open:student', { forge: true });
    const refusal = await alexey.chat.waitForText('not confirmed on Gosuslugi');
    expect(refusal.text).toBe('This status is not confirmed on Gosuslugi right now. Pick another: /id');
  });

  it('ends a live session when a registry re-import removes its status', async () => {
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    const photo = await openDigitalId(anna.chat, 'student');
    const { sid } = await qrOf(t, photo);
    const today = moscowDate(new Date());
    const without = demoRegistry(today).map((a) => (a.id === 'demo-02' ? { ...a, statuses: [] } : a));
    await importRegistry(t.database.db, without);
    const ended = await waitFor(async () => {
      const entry = await current(anna.chat, photo.messageId);
      return entry.caption?.includes('Сессия прекращена') ? entry : undefined;
    }, 'the session to end');
    expect(ended.inlineKeyboard?.flat()[0]?.text).toBe('🪪 Показать снова');
    expect((await sessionOf(sid)).status).toBe('revoked');
    await importRegistry(t.database.db, demoRegistry(today));
  });

  it("changes nothing when someone presses another person's buttons", async () => {
    const owner = await linkedPerson(t, 'Елена', '+79990000006');
    const photo = await openDigitalId(owner.chat, 'pensioner');
    const { sid } = await qrOf(t, photo);
    const session = await sessionOf(sid);
    const intruder = await linkedPerson(t, 'Ольга', '+79990000008');
    const anyMessage = (await intruder.chat.botMessages()).at(-1)!;
    for (const data of [`did:stop:${session.id}`, `did:refresh:${session.id}`, `did:again:${session.id}`]) {
      expect(await intruder.chat.tapForNotice(anyMessage.messageId, data, { forge: true })).toBe(
        'Эта кнопка относится не к вашему Цифровому ID.',
      );
    }
    expect((await sessionOf(sid)).status).toBe('live');
    await owner.chat.tap(photo.messageId, `did:stop:${session.id}`);
    await waitFor(async () => (await sessionOf(sid)).status === 'stopped', 'the owner to stop it');
    expect(await owner.chat.tapForNotice(photo.messageId, `did:stop:${session.id}`, { forge: true })).toBe(
      'Эта сессия уже завершена.',
    );
  });
});

describe('Digital ID screens over time, on Telegram', () => {
  useService('telegram');

  it('keeps one live session per person: opening another ends the first', async () => {
    const { chat } = await linkedPerson(t, 'Ольга', '+79990000008');
    const first = await openDigitalId(chat, 'adult');
    const firstSid = (await qrOf(t, first)).sid;
    const choice = await chat.say('/id');
    await chat.tap(choice.messageId, 'did:open:adult');
    await waitFor(
      async () => (await current(chat, first.messageId)).caption?.includes('Открыт новый Цифровой ID'),
      'the first screen to end',
    );
    expect((await sessionOf(firstSid)).status).toBe('superseded');
    expect((await chat.botMessages()).filter((m) => m.photo)).toHaveLength(2);
  });

  it('ends the session when the person deletes the message', async () => {
    const { person, chat } = await linkedPerson(t, 'Пётр', '+79990000012');
    const photo = await openDigitalId(chat, 'adult');
    const { sid } = await qrOf(t, photo);
    await t.sandbox.deleteMessage(person.id, photo.messageId);
    await waitFor(async () => (await sessionOf(sid)).status === 'stopped', 'the session to end');
  });

  it('signs new QRs with the new key after a rotation, and keeps the old key published', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const photo = await openDigitalId(chat, 'adult');
    const before = (await qrOf(t, photo)).token.fields.kid;
    const { retired, active } = await t.service.backend!.keys.rotate(new Date());
    expect(retired).toBe(before);
    const newer = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      const qr = await qrOf(t, entry);
      return qr.token.fields.kid === active ? qr : undefined;
    }, 'a QR signed by the new key');
    expect(newer.seq).toBeGreaterThan(0);
    const published = (await (await fetch(`${t.service.httpUrl}/.well-known/digital-id/keys`)).json()) as {
      keys: { kid: number; status: string }[];
    };
    expect(published.keys.map((k) => [k.kid, k.status])).toEqual(
      expect.arrayContaining([
        [before, 'retired'],
        [active, 'active'],
      ]),
    );
  });

  // Last: it moves the service's clock past every open session's end.
  it('turns into "session ended" with a button that shows it again', async () => {
    const { chat } = await linkedPerson(t, 'Светлана', '+79990000012');
    const photo = await openDigitalId(chat, 'adult');
    const { sid } = await qrOf(t, photo);
    clock.advance(601);
    const ended = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.caption?.includes('Время сессии вышло') ? entry : undefined;
    }, 'the session to time out');
    expect((await sessionOf(sid)).status).toBe('expired');
    await chat.tap(photo.messageId, `did:again:${(await sessionOf(sid)).id}`);
    expect(ended.inlineKeyboard?.flat().map((b) => b.text)).toEqual(['🪪 Показать снова']);
    const again = await waitFor(
      async () =>
        (await chat.botMessages()).filter((m) => m.photo).find((m) => m.messageId !== photo.messageId),
      'a new screen',
    );
    const qr = await sentQrOf(t, again);
    expect(qr.seq).toBe(0);
    expect(qr.sid).not.toBe(sid);
  });
});

async function sessionOf(sidHex: string) {
  const session = await digitalIdSessionRepository(t.database.db).findBySid(
    new Uint8Array(Buffer.from(sidHex, 'hex')),
  );
  if (!session) throw new Error(`no session ${sidHex}`);
  return session;
}
