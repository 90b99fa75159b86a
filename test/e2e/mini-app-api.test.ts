import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cappedPolls } from '../../api/unknown-session-polls';
import { appSessions } from '../../core/digital-id/app-sessions';
import { nodeEd25519 } from '../../core/digital-id/ed25519';
import type { SessionStore } from '../../core/digital-id/session';
import { importRegistry, loadAccounts } from '../../db/registry/import-registry';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { cachedKeyring } from '../../db/repositories/signing-key.repository';
import { digitalIdSessions, messengerUsers } from '../../db/schema';
import { redisAppLiveSessions } from '../../infra/app-live-sessions';
import { redisAppQrCache } from '../../infra/app-qr-cache';
import { createLogger } from '../../infra/logger';
import { personRate } from '../../infra/person-rate';
import type { ChatEntry } from '../../sandbox/world';
import type { chatWith } from '../support/chat';
import { TestClock } from '../support/clock';
import { openDigitalId, qrOf } from '../support/digital-id';
import { signLaunchData } from '../support/launch-data';
import { linkedPerson } from '../support/linking';
import { appCall, launchDataOf, SCENARIOS_PATH, SESSIONS_PATH } from '../support/mini-app';
import { seedLinkedPeople, syntheticAccounts } from '../support/people';
import { digitalIdIn } from '../support/qr';
import { REDIS_URL } from '../support/redis';
import { startTestService, type TestService } from '../support/service';
import { newVerifierKey, verifyByApi } from '../support/verify-api';
import { waitFor } from '../support/wait';

const REFRESH_SECONDS = 30;
const clock = new TestClock();
let t: TestService;
/** The app's QR cache, as every API process sees it. */
let cache: Redis;
beforeAll(async () => {
  cache = new Redis(REDIS_URL);
  t = await startTestService(
    { QR_REFRESH_SECONDS: String(REFRESH_SECONDS), DB_STATEMENT_METRICS: 'true' },
    { clock },
  );
});
afterAll(async () => {
  cache?.disconnect();
  await t?.stop();
});

const as = (userId: number) => launchDataOf(t, clock, userId);
const open = (userId: number, scenario: string) =>
  appCall(t, as(userId), 'POST', SESSIONS_PATH, { scenario });
const qrOfSession = (userId: number, sessionId: unknown) =>
  appCall(t, as(userId), 'GET', `${SESSIONS_PATH}/${sessionId}/qr`);
/** SQL statements the service has sent so far. */
const statements = async () => (await t.service.metrics.dbStatements.get()).values[0]?.value ?? 0;
const sessionRow = async (sessionId: unknown) =>
  (await digitalIdSessionRepository(t.database.db).find(String(sessionId)))!;

/**
 * The app's sessions as another API process on the same database and Redis sees them, with its
 * own settings (its own QR_REFRESH_SECONDS and TOKEN_TTL_SECONDS) or a session store the test steps into.
 */
function anotherApiProcess(
  redis: Redis,
  own: { sessions?: SessionStore; refreshSeconds?: number; tokenTtlSeconds?: number } = {},
) {
  const backend = t.service.backend!;
  const refreshSeconds = own.refreshSeconds ?? t.config.digitalId.qrRefreshSeconds;
  return appSessions({
    sessions: own.sessions ?? digitalIdSessionRepository(t.database.db),
    accounts: backend.accounts,
    keyring: cachedKeyring(backend.keys, () => clock.now().getTime()),
    ed25519: nodeEd25519(),
    clock,
    timing: {
      refreshSeconds,
      sessionSeconds: t.config.digitalId.qrSessionSeconds,
      tokenTtlSeconds: own.tokenTtlSeconds ?? t.config.digitalId.tokenTtlSeconds,
    },
    publicUrl: () => t.service.publicUrl,
    appQrs: redisAppQrCache({
      redis,
      prefix: t.config.queuePrefix,
      clock,
      logger: createLogger('silent'),
      refreshSeconds,
    }),
    scheduler: { showEnded: async () => {} },
  });
}

describe('the Digital ID Mini App API', () => {
  it('opens a session, keeps its QR until refreshAt, signs the next one after, and stops', async () => {
    const { person } = await linkedPerson(t, 'Иван', '+79990000001');
    const opened = await open(person.id, 'adult');
    expect(opened.status).toBe(201);
    expect(Object.keys(opened.body).sort()).toEqual([
      'expiresAt',
      'qr',
      'refreshAt',
      'scenario',
      'sessionId',
    ]);
    expect(opened.body.scenario).toBe('adult');
    const first = digitalIdIn(String(opened.body.qr));
    expect(first.url.startsWith(`${t.service.publicUrl}/v/`)).toBe(true);
    expect(first.seq).toBe(0);
    const refreshAt = new Date(String(opened.body.refreshAt));
    expect(refreshAt.getTime() - clock.now().getTime()).toBeLessThanOrEqual(REFRESH_SECONDS * 1000);
    // Each step below goes to a moment counted from the opening, not on from now, so a slow
    // machine cannot carry a poll into a later window than the one meant.
    const openedAt = refreshAt.getTime() - REFRESH_SECONDS * 1000;
    const at = (secondsAfterOpening: number) => clock.set(openedAt / 1000 + secondsAfterOpening);
    expect(String(opened.body.refreshAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // A poll storm before refreshAt: every answer is the same QR, no token is signed, and the
    // answers come from the cache, not each from the database.
    const before = await statements();
    const storm = await Promise.all(
      Array.from({ length: 50 }, () => qrOfSession(person.id, opened.body.sessionId)),
    );
    expect(await statements()).toBeLessThan(before + 25);
    expect(new Set(storm.map((a) => `${a.status} ${a.body.qr} ${a.body.refreshAt}`))).toEqual(
      new Set([`200 ${opened.body.qr} ${opened.body.refreshAt}`]),
    );

    at(REFRESH_SECONDS + 1);
    const after = await Promise.all(
      Array.from({ length: 25 }, () => qrOfSession(person.id, opened.body.sessionId)),
    );
    expect(new Set(after.map((a) => a.body.qr)).size).toBe(1);
    const second = digitalIdIn(String(after[0]?.body.qr));
    expect(second.sid).toBe(first.sid);
    expect(second.seq).toBe(1);
    expect(new Date(String(after[0]?.body.refreshAt)).getTime()).toBeGreaterThan(refreshAt.getTime());
    // The cache lost (Redis restarted, say): a later poll in the window signs its QR again, and
    // it is the very same QR, not a second token with the same seq.
    at(REFRESH_SECONDS + 6);
    await cache.del(`${t.config.queuePrefix}:app-qr:${opened.body.sessionId}`);
    expect((await qrOfSession(person.id, opened.body.sessionId)).body.qr).toBe(after[0]?.body.qr);

    const key = await newVerifierKey(t);
    const confirmed = await verifyByApi(t, key, { qr: second.url, scenario: 'adult' });
    expect(confirmed.body).toEqual({ result: 'confirmed', scenario: 'adult' });

    // The poll after the next refreshAt, alone: it signs with one SQL statement, the session
    // read with the person's account (eligibility is checked again), and writes nothing. The
    // count is the whole service's, which a background sweep may add to: measured in three
    // windows, the least is the poll's own.
    const other = await linkedPerson(t, 'Светлана', '+79990000012');
    const costs: number[] = [];
    let signed = after[0]!;
    for (const window of [2, 3, 4]) {
      at(window * REFRESH_SECONDS + 1);
      // Someone else's new session reads the signing key, which a process keeps a few seconds.
      expect((await open(other.person.id, 'adult')).status).toBe(201);
      const beforeSigning = await statements();
      signed = await qrOfSession(person.id, opened.body.sessionId);
      costs.push((await statements()) - beforeSigning);
      expect(digitalIdIn(String(signed.body.qr)).seq).toBe(window);
    }
    expect(Math.min(...costs)).toBe(1);

    const stop = await appCall(t, as(person.id), 'DELETE', `${SESSIONS_PATH}/${opened.body.sessionId}`);
    expect(stop.status).toBe(204);
    expect(await qrOfSession(person.id, opened.body.sessionId)).toEqual({
      status: 410,
      body: { reason: 'ended' },
    });
    const afterStop = await verifyByApi(t, key, {
      qr: digitalIdIn(String(signed.body.qr)).url,
      scenario: 'adult',
    });
    expect(afterStop.body).toEqual({ result: 'not_confirmed', scenario: 'adult', reason: 'revoked' });
  });

  it('gives a page hidden for a while the QR of the window it comes back in, which verifies', async () => {
    const { person } = await linkedPerson(t, 'Ирина', '+79990000001');
    const opened = await open(person.id, 'adult');
    expect(opened.status).toBe(201);
    const openedAt = new Date(String(opened.body.refreshAt)).getTime() - REFRESH_SECONDS * 1000;
    clock.set(openedAt / 1000 + REFRESH_SECONDS * 3.5);
    const back = await qrOfSession(person.id, opened.body.sessionId);
    const shown = digitalIdIn(String(back.body.qr));
    // The fourth window: seq 3, issued at its start, replaced at the next one's.
    expect(shown.seq).toBe(3);
    expect(shown.token.fields.iat).toBe(Math.floor((openedAt + 3 * REFRESH_SECONDS * 1000) / 1000));
    expect(new Date(String(back.body.refreshAt)).getTime()).toBe(openedAt + 4 * REFRESH_SECONDS * 1000);
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: shown.url, scenario: 'adult' })).body).toEqual({
      result: 'confirmed',
      scenario: 'adult',
    });
  });

  it('keeps a live session on the timing it opened with when a process runs another', async () => {
    const { person } = await linkedPerson(t, 'Олег', '+79990000001');
    const opened = await open(person.id, 'adult');
    const sessionId = String(opened.body.sessionId);
    const openedAt = new Date(String(opened.body.refreshAt)).getTime() - REFRESH_SECONDS * 1000;
    const at = (secondsAfterOpening: number) => clock.set(openedAt / 1000 + secondsAfterOpening);
    const key = await newVerifierKey(t);
    const verify = async (qr: string) => (await verifyByApi(t, key, { qr, scenario: 'adult' })).body;
    // A checkout spends the second window's QR.
    at(REFRESH_SECONDS + 5);
    const second = digitalIdIn(String((await qrOfSession(person.id, sessionId)).body.qr));
    expect(second.seq).toBe(1);
    expect(await verify(second.url)).toEqual({ result: 'confirmed', scenario: 'adult' });

    const redis = new Redis(REDIS_URL);
    /** The session's QR as a process with other settings signs it, its cache lost. */
    const signedBy = async (settings: { refreshSeconds: number; tokenTtlSeconds: number }) => {
      await cache.del(`${t.config.queuePrefix}:app-qr:${sessionId}`);
      const next = await anotherApiProcess(redis, settings).current(person.id, sessionId);
      if (!next.ok) throw new Error(`no QR: ${next.code}`);
      return { ...digitalIdIn(next.answer.qr), refreshAt: next.answer.refreshAt.getTime() };
    };
    try {
      // The API restarted with QR_REFRESH_SECONDS doubled. Numbered by the new interval, the
      // fourth window would be the second again: a QR the checkout answers `replayed`.
      at(REFRESH_SECONDS * 3 + 5);
      const fourth = await signedBy({ refreshSeconds: REFRESH_SECONDS * 2, tokenTtlSeconds: 90 });
      expect(fourth.seq).toBe(3);
      expect(fourth.refreshAt).toBe(openedAt + 4 * REFRESH_SECONDS * 1000);
      expect(await verify(fourth.url)).toEqual({ result: 'confirmed', scenario: 'adult' });
      // Then with both shortened (10 s, 15 s): the fifth window's QR is still replaced every 30
      // s, so it must live 45 s, and it still verifies just before it is replaced.
      at(REFRESH_SECONDS * 4 + 5);
      const fifth = await signedBy({ refreshSeconds: 10, tokenTtlSeconds: 15 });
      expect(fifth.seq).toBe(4);
      expect(fifth.refreshAt).toBe(openedAt + 5 * REFRESH_SECONDS * 1000);
      at(REFRESH_SECONDS * 5 - 1);
      expect(await verify(fifth.url)).toEqual({ result: 'confirmed', scenario: 'adult' });
      // A session opened now takes the settings in force.
      const later = await anotherApiProcess(redis, { refreshSeconds: 10, tokenTtlSeconds: 15 }).open({
        messengerUserId: person.id,
        scenario: 'adult',
        locale: 'ru',
      });
      if (!later.ok) throw new Error(`not opened: ${later.code}`);
      const laterStart = (await sessionRow(later.session.id)).startedAt.getTime();
      expect(later.answer.refreshAt.getTime() - laterStart).toBe(10_000);
      expect(digitalIdIn(later.answer.qr).token.fields.ttl).toBe(15);
    } finally {
      redis.disconnect();
    }
  });

  it('lists the scenarios the chat offers the person, and refuses as the chat does', async () => {
    const { person, chat } = await linkedPerson(t, 'Алексей', '+79990000007');
    const choice = await chat.say('/id');
    const offered = (choice.inlineKeyboard ?? [])
      .flat()
      .map((b) => ('callback_data' in b ? b.callback_data : undefined))
      .filter((data): data is string => data?.startsWith('did:open:') === true)
      .map((data) => data.slice('did:open:'.length));
    expect(offered.length).toBeGreaterThan(1);
    expect(await appCall(t, as(person.id), 'GET', SCENARIOS_PATH)).toEqual({
      status: 200,
      body: { scenarios: offered },
    });
    const stranger = await t.sandbox.createPerson({ name: 'Гость' });
    expect(await appCall(t, as(stranger.id), 'GET', SCENARIOS_PATH)).toEqual({
      status: 403,
      body: { reason: 'not_linked' },
    });
    const maria = await linkedPerson(t, 'Мария', '+79990000004');
    expect(await appCall(t, as(maria.person.id), 'GET', SCENARIOS_PATH)).toEqual({
      status: 403,
      body: { reason: 'underage' },
    });
    expect(await appCall(t, null, 'GET', SCENARIOS_PATH)).toEqual({
      status: 401,
      body: { reason: 'unauthorized' },
    });
  });

  it('refuses as the chat does: not linked, underage, no biometrics, not eligible, status not held', async () => {
    const stranger = await t.sandbox.createPerson({ name: 'Гость' });
    expect(await open(stranger.id, 'adult')).toEqual({ status: 403, body: { reason: 'not_linked' } });
    const maria = await linkedPerson(t, 'Мария', '+79990000004');
    expect(await open(maria.person.id, 'adult')).toEqual({ status: 403, body: { reason: 'underage' } });
    const sergey = await linkedPerson(t, 'Сергей', '+79990000009');
    expect(await open(sergey.person.id, 'adult')).toEqual({ status: 403, body: { reason: 'no_biometrics' } });
    const anna = await linkedPerson(t, 'Анна', '+79990000002');
    expect(await open(anna.person.id, 'pensioner')).toEqual({
      status: 403,
      body: { reason: 'scenario_not_held' },
    });
    // The registry withdraws the account's confirmation after she linked.
    const [account] = await loadAccounts(t.database.db, ['demo-02']);
    await importRegistry(t.database.db, [{ ...account!, confirmed: false }]);
    expect(await open(anna.person.id, 'student')).toEqual({ status: 403, body: { reason: 'not_eligible' } });
    expect(await open(anna.person.id, 'passport')).toEqual({
      status: 400,
      body: { reason: 'unknown_scenario' },
    });
    // An admin's /block refuses every service, in the chat and in the app.
    await t.database.db
      .update(messengerUsers)
      .set({ blockedAt: clock.now() })
      .where(eq(messengerUsers.id, maria.person.id));
    expect(await open(maria.person.id, 'adult')).toEqual({ status: 403, body: { reason: 'blocked' } });
  });

  it("answers another person's session with 404 for every method", async () => {
    const owner = await linkedPerson(t, 'Алексей', '+79990000007');
    const other = await linkedPerson(t, 'Ольга', '+79990000008');
    const opened = await open(owner.person.id, 'large_family');
    expect(opened.status).toBe(201);
    const notFound = { status: 404, body: { reason: 'not_found' } };
    expect(await qrOfSession(other.person.id, opened.body.sessionId)).toEqual(notFound);
    expect(
      await appCall(t, as(other.person.id), 'DELETE', `${SESSIONS_PATH}/${opened.body.sessionId}`),
    ).toEqual(notFound);
    expect(await qrOfSession(other.person.id, 'not-a-session')).toEqual(notFound);
    expect((await qrOfSession(owner.person.id, opened.body.sessionId)).status).toBe(200);
    // Nobody stopped it, and it ran its time: ended as well.
    clock.advance(301);
    expect(await qrOfSession(owner.person.id, opened.body.sessionId)).toEqual({
      status: 410,
      body: { reason: 'ended' },
    });
    expect((await sessionRow(opened.body.sessionId)).status).toBe('expired');
  });

  it('refuses missing, tampered, foreign, stale, future and oversized launch data with 401', async () => {
    const { person } = await linkedPerson(t, 'Елена', '+79990000006');
    const now = Math.floor(clock.now().getTime() / 1000);
    const user = { id: person.id, first_name: 'Елена' };
    const token = t.service.sandbox!.token;
    const bad = {
      tampered: as(person.id).replace(`%22id%22%3A${person.id}`, `%22id%22%3A${person.id + 1}`),
      foreign: signLaunchData('7000000001:AAF-another-bots-token', { user, authDate: now }),
      stale: signLaunchData(token, { user, authDate: now - 86_400 - 1 }),
      future: signLaunchData(token, { user, authDate: now + 120 }),
      oversized: signLaunchData(token, { user, authDate: now, extra: { start_param: 'x'.repeat(4096) } }),
    };
    const unauthorized = { status: 401, body: { reason: 'unauthorized' } };
    expect(await appCall(t, null, 'POST', SESSIONS_PATH, { scenario: 'pensioner' })).toEqual(unauthorized);
    for (const [name, data] of Object.entries(bad)) {
      expect({ name, ...(await appCall(t, data, 'POST', SESSIONS_PATH, { scenario: 'pensioner' })) }).toEqual(
        {
          name,
          ...unauthorized,
        },
      );
    }
    expect((await appCall(t, as(person.id), 'POST', SESSIONS_PATH, { scenario: 'pensioner' })).status).toBe(
      201,
    );
  });
});

describe('launch data from hours ago', () => {
  it('lists and opens nothing, but keeps polling, stopping and scanning what is open', async () => {
    const { person } = await linkedPerson(t, 'Ирина', '+79990000001');
    const cashier = await linkedPerson(t, 'Светлана', '+79990000012');
    const opened = await open(person.id, 'adult');
    expect(opened.status).toBe(201);
    // The same page's launch data, copied two hours ago (a screenshot, a shared link, a log).
    const twoHoursAgo = Math.floor(clock.now().getTime() / 1000) - 2 * 3600;
    const old = (userId: number) => launchDataOf(t, clock, userId, { authDate: twoHoursAgo });
    const unauthorized = { status: 401, body: { reason: 'unauthorized' } };
    expect(await appCall(t, old(person.id), 'GET', SCENARIOS_PATH)).toEqual(unauthorized);
    expect(await appCall(t, old(person.id), 'POST', SESSIONS_PATH, { scenario: 'adult' })).toEqual(
      unauthorized,
    );
    // What was open stays open: its QR is polled, it can be stopped, and a cashier scans all shift.
    const polled = await appCall(t, old(person.id), 'GET', `${SESSIONS_PATH}/${opened.body.sessionId}/qr`);
    expect(polled.status).toBe(200);
    expect(polled.body.qr).toBe(opened.body.qr);
    expect(
      await appCall(t, old(cashier.person.id), 'POST', '/api/v1/app/verify', {
        qr: polled.body.qr,
        scenario: 'adult',
      }),
    ).toEqual({ status: 200, body: { result: 'confirmed', scenario: 'adult' } });
    expect(
      (await appCall(t, old(person.id), 'DELETE', `${SESSIONS_PATH}/${opened.body.sessionId}`)).status,
    ).toBe(204);
    // Past a day, nothing at all.
    const dayOld = launchDataOf(t, clock, person.id, { authDate: twoHoursAgo - 86_400 });
    expect(await appCall(t, dayOld, 'GET', `${SESSIONS_PATH}/${opened.body.sessionId}/qr`)).toEqual(
      unauthorized,
    );
    // Opened again from the chat: new launch data, and the person opens a new one.
    expect((await open(person.id, 'adult')).status).toBe(201);
  });
});

describe('one live Digital ID per person, chat or app', () => {
  const current = async (chat: ReturnType<typeof chatWith>, messageId: number) =>
    (await chat.botMessages()).find((m) => m.messageId === messageId) as ChatEntry;

  it('opening the app ends the chat session, and its message says so', async () => {
    const { person, chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const photo = await openDigitalId(chat, 'adult');
    const chatQr = await qrOf(t, photo);
    const opened = await open(person.id, 'adult');
    expect(opened.status).toBe(201);
    const ended = await waitFor(async () => {
      const entry = await current(chat, photo.messageId);
      return entry.caption?.includes('Открыт новый Цифровой ID') ? entry : undefined;
    }, 'the chat screen to end');
    expect(ended.inlineKeyboard?.flat().map((b) => b.text)).toEqual(['🪪 Показать снова']);
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: chatQr.url, scenario: 'adult' })).body.reason).toBe('revoked');
    expect((await qrOfSession(person.id, opened.body.sessionId)).status).toBe(200);
  });

  it('opening in the chat ends the app session: its QR is 410 ended', async () => {
    const { person, chat } = await linkedPerson(t, 'Ольга', '+79990000008');
    const opened = await open(person.id, 'svo_family_member');
    expect((await qrOfSession(person.id, opened.body.sessionId)).status).toBe(200);
    await openDigitalId(chat, 'large_family');
    expect(await qrOfSession(person.id, opened.body.sessionId)).toEqual({
      status: 410,
      body: { reason: 'ended' },
    });
  });
});

describe('an app session ended past the Digital ID service', () => {
  it('is gone at once after /unlink, not at its next refresh: the unlink erased it', async () => {
    const { person, chat } = await linkedPerson(t, 'Пётр', '+79990000001');
    const opened = await open(person.id, 'adult');
    expect((await qrOfSession(person.id, opened.body.sessionId)).status).toBe(200);
    expect((await chat.say('/unlink')).text).toContain('отвязана');
    expect(await qrOfSession(person.id, opened.body.sessionId)).toEqual({
      status: 404,
      body: { reason: 'not_found' },
    });
  });
});

describe('an app session ended while a poll was signing its next QR', () => {
  it('is not answered from the cache: neither that poll nor the next shows a QR', async () => {
    const backend = t.service.backend!;
    const { person } = await linkedPerson(t, 'Мария', '+79990000012');
    const opened = await open(person.id, 'adult');
    const sessionId = String(opened.body.sessionId);
    // Another API process on the same database and Redis, where an admin's /revoke lands right
    // after its poll read the session live and before it cached the new QR.
    const redis = new Redis(REDIS_URL);
    const sessions = digitalIdSessionRepository(t.database.db);
    const other = anotherApiProcess(redis, {
      sessions: {
        ...sessions,
        async findWithHolder(id) {
          const read = await sessions.findWithHolder(id);
          await backend.digitalId.revoke(sessionId, 'revoked by an admin');
          return read;
        },
      },
    });
    try {
      clock.advance(REFRESH_SECONDS + 1);
      expect(await other.current(person.id, sessionId)).toEqual({ ok: false, code: 'DIGITAL_ID.ENDED' });
      expect((await sessionRow(sessionId)).status).toBe('revoked');
      expect(await qrOfSession(person.id, sessionId)).toEqual({ status: 410, body: { reason: 'ended' } });
    } finally {
      redis.disconnect();
    }
  });

  it('ends at its next signing poll when the registry withdraws the status it shows', async () => {
    const { person } = await linkedPerson(t, 'Алексей', '+79990000007');
    const opened = await open(person.id, 'svo_participant');
    expect(opened.status).toBe(201);
    const [account] = await loadAccounts(t.database.db, ['demo-07']);
    await importRegistry(t.database.db, [
      { ...account!, statuses: account!.statuses.filter((s) => s.kind !== 'svo_participant') },
    ]);
    // Before refreshAt the QR stands: a status is checked again with every new token.
    expect((await qrOfSession(person.id, opened.body.sessionId)).status).toBe(200);
    clock.advance(REFRESH_SECONDS + 1);
    expect(await qrOfSession(person.id, opened.body.sessionId)).toEqual({
      status: 410,
      body: { reason: 'ended' },
    });
    const key = await newVerifierKey(t);
    const shown = digitalIdIn(String(opened.body.qr));
    expect((await verifyByApi(t, key, { qr: shown.url, scenario: 'svo_participant' })).body.reason).toBe(
      'revoked',
    );
  });
});

describe('the scanner Mini App API', () => {
  it('answers as the checkout API: confirmed once, then replayed; not for people without the role', async () => {
    const cashier = await linkedPerson(t, 'Светлана', '+79990000012');
    const citizen = await linkedPerson(t, 'Татьяна', '+79990000010');
    const opened = await open(citizen.person.id, 'adult');
    const scan = (userId: number) =>
      appCall(t, as(userId), 'POST', '/api/v1/app/verify', { qr: opened.body.qr, scenario: 'adult' });
    expect(await scan(citizen.person.id)).toEqual({ status: 403, body: { reason: 'not_a_verifier' } });
    expect(await scan(cashier.person.id)).toEqual({
      status: 200,
      body: { result: 'confirmed', scenario: 'adult' },
    });
    expect(await scan(cashier.person.id)).toEqual({
      status: 200,
      body: { result: 'not_confirmed', scenario: 'adult', reason: 'replayed' },
    });
    expect(
      (await appCall(t, as(cashier.person.id), 'POST', '/api/v1/app/verify', { qr: opened.body.qr })).body,
    ).toEqual({ reason: 'bad_request' });
    // What the scanner page offers, to the cashier only.
    expect(await appCall(t, as(cashier.person.id), 'GET', '/api/v1/app/verify/scenarios')).toEqual({
      status: 200,
      body: {
        scenarios: ['adult', 'student', 'large_family', 'svo_participant', 'svo_family_member', 'pensioner'],
      },
    });
    expect((await appCall(t, as(citizen.person.id), 'GET', '/api/v1/app/verify/scenarios')).body).toEqual({
      reason: 'not_a_verifier',
    });
    expect((await appCall(t, null, 'GET', '/api/v1/app/verify/scenarios')).status).toBe(401);
  });
});

describe('a script opening sessions over and over', () => {
  let capped: TestService;
  beforeAll(async () => {
    capped = await startTestService(
      { USER_RATE_LIMIT_PER_10_SECONDS: '3', DB_STATEMENT_METRICS: 'true' },
      { clock },
    );
  });
  afterAll(async () => {
    await capped?.stop();
  });

  /** A linked person of the capped service, under their own account. */
  const cappedPerson = async (prefix: string, firstNumber: number) => {
    const world = capped.service.sandbox!.world;
    const [userId] = [
      ...(
        await seedLinkedPeople(
          capped.database.db,
          syntheticAccounts(1, prefix, 'Скрипт', firstNumber),
          (firstName) => world.addPerson({ firstName, languageCode: 'ru' }),
        )
      ).values(),
    ] as [number];
    return userId;
  };

  it('gets 429 past the person’s cap, which the chat shares, and opens nothing more', async () => {
    const userId = await cappedPerson('cap', 9_000_000);
    const opens = [];
    for (let i = 0; i < 5; i++)
      opens.push(
        await appCall(capped, launchDataOf(capped, clock, userId), 'POST', SESSIONS_PATH, {
          scenario: 'adult',
        }),
      );
    expect(opens.map((o) => o.status)).toEqual([201, 201, 201, 429, 429]);
    expect(opens[3]?.body).toEqual({ reason: 'too_many_requests' });
    const rows = await capped.database.db
      .select({ id: digitalIdSessions.id })
      .from(digitalIdSessions)
      .where(eq(digitalIdSessions.messengerUserId, userId));
    expect(rows).toHaveLength(3);
    // Over the cap, listing and stopping are refused before the database too.
    const asCapped = launchDataOf(capped, clock, userId);
    expect(await appCall(capped, asCapped, 'GET', SCENARIOS_PATH)).toEqual({
      status: 429,
      body: { reason: 'too_many_requests' },
    });
    expect(
      (await appCall(capped, asCapped, 'DELETE', `${SESSIONS_PATH}/${opens[2]?.body.sessionId}`)).status,
    ).toBe(429);
  });

  it('gets 429 for polls of unknown sessions past the cap, before the database; its own QR stays up', async () => {
    const userId = await cappedPerson('poll', 9_100_000);
    const asPoller = launchDataOf(capped, clock, userId);
    const poll = (sessionId: unknown) => appCall(capped, asPoller, 'GET', `${SESSIONS_PATH}/${sessionId}/qr`);
    const cappedStatements = async () =>
      (await capped.service.metrics.dbStatements.get()).values[0]?.value ?? 0;
    const redis = new Redis(REDIS_URL);
    const actions = async () => Number(await redis.get(`${capped.config.queuePrefix}:rate:user:${userId}`));
    try {
      const opened = await appCall(capped, asPoller, 'POST', SESSIONS_PATH, { scenario: 'adult' });
      expect(opened.status).toBe(201);
      expect(await actions()).toBe(1);
      // Its own QR, polled as often as a page might: none of these count.
      for (let i = 0; i < 5; i++) expect((await poll(opened.body.sessionId)).status).toBe(200);
      expect(await actions()).toBe(1);

      const unknown = [];
      for (let i = 0; i < 3; i++) unknown.push(await poll(crypto.randomUUID()));
      expect(unknown.map((u) => u.status)).toEqual([404, 404, 429]);
      expect(unknown[2]?.body).toEqual({ reason: 'too_many_requests' });
      // Over the cap, unknown ids are refused without a database read, however many.
      const before = await cappedStatements();
      for (let i = 0; i < 10; i++)
        expect(await poll(crypto.randomUUID())).toEqual({
          status: 429,
          body: { reason: 'too_many_requests' },
        });
      expect(await cappedStatements()).toBe(before);
      // The person's own QR is still shown, the next one signed after refreshAt too.
      expect((await poll(opened.body.sessionId)).body.qr).toBe(opened.body.qr);
      clock.advance(capped.config.digitalId.qrRefreshSeconds + 1);
      const next = await poll(opened.body.sessionId);
      expect(next.status).toBe(200);
      expect(digitalIdIn(String(next.body.qr)).seq).toBe(1);
      // Another API process, where the person's polls of unknown ids got 429 as well: it never
      // showed this session, yet the person's own QR is shown there too.
      const actionsOf = personRate({ redis, prefix: capped.config.queuePrefix, windowMs: 10_000 });
      const liveSessions = redisAppLiveSessions({ redis, prefix: capped.config.queuePrefix });
      const other = cappedPolls({
        current: capped.service.backend!.appSessions.current,
        overLimit: async (id) => ((await actionsOf(id)) ?? 0) > capped.config.userRateLimitPer10Seconds,
        liveSessionOf: liveSessions.sessionOf,
        forgetLiveSession: liveSessions.forget,
      });
      expect(await other.current(userId, crypto.randomUUID())).toEqual({
        ok: false,
        code: 'TOO_MANY_REQUESTS',
      });
      expect((await other.current(userId, String(opened.body.sessionId))).ok).toBe(true);
      // The window over (its count gone from Redis), an unknown id is looked up again.
      await redis.del(`${capped.config.queuePrefix}:rate:user:${userId}`);
      expect(await poll(crypto.randomUUID())).toEqual({ status: 404, body: { reason: 'not_found' } });
      // Its own session, stopped, is no longer its own: polling it over and over is capped too.
      await redis.del(`${capped.config.queuePrefix}:rate:user:${userId}`);
      const stop = await appCall(capped, asPoller, 'DELETE', `${SESSIONS_PATH}/${opened.body.sessionId}`);
      expect(stop.status).toBe(204);
      const ended = [];
      for (let i = 0; i < 3; i++) ended.push((await poll(opened.body.sessionId)).status);
      expect(ended).toEqual([410, 410, 429]);
      // The next poll finds it is no longer the live one (one read); then none read at all.
      expect((await poll(opened.body.sessionId)).status).toBe(429);
      const beforeEnded = await cappedStatements();
      for (let i = 0; i < 5; i++) expect((await poll(opened.body.sessionId)).status).toBe(429);
      expect(await cappedStatements()).toBe(beforeEnded);
    } finally {
      redis.disconnect();
    }
  });
});
