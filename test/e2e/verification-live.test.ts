import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removableIfRetiredBefore } from '../../core/digital-id/keyring';
import { loadAccounts } from '../../db/registry/import-registry';
import { digitalIdSessionRepository } from '../../db/repositories/digital-id-session.repository';
import { digitalIdSessions, messengerUsers } from '../../db/schema';
import { TestClock } from '../support/clock';
import { openDigitalId, qrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { startTestService, type TestService } from '../support/service';
import { type ApiAnswer, newVerifierKey, verifyByApi } from '../support/verify-api';
import { waitFor } from '../support/wait';

const clock = new TestClock();
let t: TestService;
/** Every answer the API gave in this file, scanned at the end for personal data. */
const answers: string[] = [];
const HOLDERS = ['demo-01', 'demo-06', 'demo-07', 'demo-08'];

beforeAll(async () => {
  t = await startTestService({ VERIFY_RATE_LIMIT_PER_MINUTE: '20' }, { clock });
});
afterAll(async () => {
  await t?.stop();
});

async function verify(key: string | null, body: unknown, init?: Parameters<typeof verifyByApi>[3]) {
  const answer = await verifyByApi(t, key, body, init);
  answers.push(answer.raw);
  return answer;
}

const outcome = (answer: ApiAnswer) => ({ status: answer.status, ...answer.body });

async function livePhoto(name: string, phone: string, scenario: string) {
  const { chat } = await linkedPerson(t, name, phone);
  const photo = await openDigitalId(chat, scenario);
  return { chat, photo, qr: await qrOf(t, photo) };
}

async function page(url: string, language?: string) {
  const response = await fetch(url.replace(t.service.publicUrl, t.service.httpUrl), {
    headers: language ? { 'accept-language': language } : {},
  });
  const html = await response.text();
  answers.push(html);
  return { status: response.status, html, result: /data-result="([a-z-]+)"/.exec(html)?.[1] };
}

describe('verifying a live QR from the sandbox', () => {
  it('confirms once; the same QR again is replayed; a wrong scenario first does not spend it', async () => {
    const key = await newVerifierKey(t);
    const { qr } = await livePhoto('Иван', '+79990000001', 'adult');
    expect(outcome(await verify(key, { qr: qr.url, scenario: 'student' }))).toEqual({
      status: 200,
      result: 'not_confirmed',
      scenario: 'student',
      reason: 'wrong_scenario',
    });
    expect(outcome(await verify(key, { qr: qr.url, scenario: 'adult' }))).toEqual({
      status: 200,
      result: 'confirmed',
      scenario: 'adult',
    });
    expect(outcome(await verify(key, { qr: qr.url, scenario: 'adult' }))).toEqual({
      status: 200,
      result: 'not_confirmed',
      scenario: 'adult',
      reason: 'replayed',
    });
  });

  it('lets two checkouts scanning one QR at the same moment get one confirmation', async () => {
    const key = await newVerifierKey(t);
    const { qr } = await livePhoto('Елена', '+79990000006', 'pensioner');
    const both = await Promise.all(
      Array.from({ length: 6 }, () => verify(key, { qr: qr.url, scenario: 'pensioner' })),
    );
    const results = both.map((a) => a.body.reason ?? a.body.result).sort();
    expect(results).toEqual(['confirmed', 'replayed', 'replayed', 'replayed', 'replayed', 'replayed']);
  });

  it('shows the outcome on the page a phone camera opens, in Russian or English, without spending the QR', async () => {
    const key = await newVerifierKey(t);
    const { qr } = await livePhoto('Алексей', '+79990000007', 'large_family');
    const russian = await page(qr.url);
    expect(russian.status).toBe(200);
    expect(russian.result).toBe('confirmed');
    expect(russian.html).toContain('Подтверждено');
    expect(russian.html).toContain('многодетная семья');
    expect(russian.html).toMatch(/Проверено \d+ [а-я]+ \d{4}/);
    const english = await page(qr.url, 'en-US,en;q=0.9,ru;q=0.5');
    expect(english.html).toContain('Confirmed');
    expect(english.html).toContain('large family');
    // The page spent nothing: the checkout still gets its confirmation, and then the page says so.
    expect((await verify(key, { qr: qr.url, scenario: 'large_family' })).body.result).toBe('confirmed');
    const spent = await page(qr.url);
    expect(spent.result).toBe('not-confirmed');
    expect(spent.html).toContain('Этот QR-код уже использован');
    const garbage = await page(`${t.service.httpUrl}/v/not-a-token`);
    expect(garbage.status).toBe(200);
    expect(garbage.html).toContain('QR-код повреждён или не является Цифровым ID');
  });

  it('answers revoked once the person stops the session, and expired after the QR’s ttl', async () => {
    const key = await newVerifierKey(t);
    const { chat, photo, qr } = await livePhoto('Ольга', '+79990000008', 'svo_family_member');
    const session = await digitalIdSessionRepository(t.database.db).findBySid(qr.token.fields.sid);
    await chat.tap(photo.messageId, `did:stop:${session!.id}`);
    await waitFor(
      async () => (await digitalIdSessionRepository(t.database.db).find(session!.id))?.status === 'stopped',
      'the session to stop',
    );
    expect((await verify(key, { qr: qr.url, scenario: 'svo_family_member' })).body.reason).toBe('revoked');

    const again = await openDigitalId(chat, 'large_family');
    const fresh = await qrOf(t, again);
    // TOKEN_TTL_SECONDS 45 and VERIFY_CLOCK_SKEW_SECONDS 5 by default.
    clock.advance(50);
    expect((await verify(key, { qr: fresh.url, scenario: 'large_family' })).body.reason).toBe('expired');
  });

  it('answers revoked as soon as the person unlinks their account, before the screen is refreshed', async () => {
    const key = await newVerifierKey(t);
    const { chat, photo, qr } = await livePhoto('Алексей', '+79990000007', 'svo_participant');
    expect((await chat.ask('/unlink', 'отвязана')).text).toContain('отвязана');
    expect((await verify(key, { qr: qr.url, scenario: 'svo_participant' })).body.reason).toBe('revoked');
    // The screen says so, and what the service kept about the person beyond the audit trail is gone.
    await waitFor(async () => {
      const entry = (await chat.botMessages()).find((m) => m.messageId === photo.messageId);
      return entry?.caption?.includes('Сессия прекращена');
    }, 'the ended screen');
    const { db } = t.database;
    expect(
      await db.select().from(digitalIdSessions).where(eq(digitalIdSessions.messengerUserId, chat.id)),
    ).toEqual([]);
    expect(await db.select().from(messengerUsers).where(eq(messengerUsers.id, chat.id))).toEqual([]);
  });

  it('still confirms a token of a retired key, and answers unknown_key once that key is removed', async () => {
    const key = await newVerifierKey(t);
    const keys = t.service.backend!.keys;
    const { qr } = await livePhoto('Иван', '+79990000001', 'adult');
    const oldKid = qr.token.fields.kid;
    await keys.rotate(clock.now());
    expect((await keys.published()).find((k) => k.kid === oldKid)?.status).toBe('retired');
    const timing = { tokenTtlSeconds: 45, skewSeconds: 5 };
    expect(await keys.remove(oldKid, clock.now(), removableIfRetiredBefore(clock.now(), timing))).toBe(
      'too_soon',
    );
    expect((await verify(key, { qr: qr.url, scenario: 'adult' })).body.result).toBe('confirmed');

    clock.advance(60);
    expect(await keys.remove(oldKid, clock.now(), removableIfRetiredBefore(clock.now(), timing))).toBe(
      'removed',
    );
    // Past the keyring's few seconds of caching, every process has dropped the key.
    expect((await verify(key, { qr: qr.url, scenario: 'adult' })).body.reason).toBe('unknown_key');
  });
});

describe('who may ask, and how', () => {
  it('refuses a request with no key or a wrong key with 401', async () => {
    const body = { qr: 'x', scenario: 'adult' };
    expect(outcome(await verify(null, body))).toEqual({ status: 401, reason: 'unauthorized' });
    expect(outcome(await verify(`vk_${'A'.repeat(43)}`, body))).toEqual({
      status: 401,
      reason: 'unauthorized',
    });
    expect(outcome(await verify('not even a key', body))).toEqual({ status: 401, reason: 'unauthorized' });
  });

  it('limits each key to its rate, without slowing other keys down', async () => {
    const busy = await newVerifierKey(t, 'Касса 2');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await verify(busy, { qr: '', scenario: 'adult' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(outcome(await verify(busy, { qr: '', scenario: 'adult' }))).toEqual({
      status: 429,
      reason: 'rate_limited',
    });
    const other = await newVerifierKey(t, 'Касса 3');
    expect((await verify(other, { qr: '', scenario: 'adult' })).status).toBe(200);
  });

  it('answers bad input with a reason code, never a 500', async () => {
    const key = await newVerifierKey(t, 'Касса 4');
    const cases: [unknown, Parameters<typeof verifyByApi>[3], number, string][] = [
      [null, { rawBody: '{"qr":' }, 400, 'bad_request'],
      [
        null,
        { rawBody: 'qr=x&scenario=adult', contentType: 'application/x-www-form-urlencoded' },
        400,
        'bad_request',
      ],
      [null, { rawBody: 'hello', contentType: 'text/plain' }, 400, 'bad_request'],
      [{ scenario: 'adult' }, {}, 400, 'bad_request'],
      [{ qr: 'x' }, {}, 400, 'bad_request'],
      [{ qr: 'x', scenario: 'pirate' }, {}, 400, 'bad_request'],
      [{ qr: 42, scenario: 'adult' }, {}, 400, 'bad_request'],
      [[], {}, 400, 'bad_request'],
      [{ qr: 'x'.repeat(100_000), scenario: 'adult' }, {}, 413, 'payload_too_large'],
    ];
    for (const [body, init, status, reason] of cases) {
      expect(outcome(await verify(key, body, init))).toEqual({ status, reason });
    }
    expect(outcome(await verify(key, { qr: '', scenario: 'adult' }))).toEqual({
      status: 200,
      result: 'not_confirmed',
      scenario: 'adult',
      reason: 'malformed',
    });
    expect((await verify(key, { qr: 'https://example.org/pay?x=1', scenario: 'adult' })).body.reason).toBe(
      'not_digital_id',
    );
  });
});

describe('what the answers reveal', () => {
  it('contains none of the holders’ registry fields in any answer above', async () => {
    expect(answers.length).toBeGreaterThan(30);
    const holders = await loadAccounts(t.database.db, HOLDERS);
    expect(holders).toHaveLength(HOLDERS.length);
    const fields = holders.flatMap((a) => [
      a.id,
      a.lastName,
      a.firstName,
      a.middleName,
      a.birthDate,
      a.birthDate.split('-').reverse().join('.'),
      a.phone,
      a.phone.slice(2),
    ]);
    for (const body of answers) {
      for (const field of fields) if (field) expect(body).not.toContain(field);
    }
  });
});
