import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chat, chatWith } from '../support/chat';
import { TestClock } from '../support/clock';
import { requestFrom, verifyFrom } from '../support/http-from';
import { ADMIN_URL } from '../support/postgres';
import { readinessOnce, startTestService, type TestService } from '../support/service';
import { tcpProxy } from '../support/tcp-proxy';
import { newVerifierKey } from '../support/verify-api';

const FAILURES_PER_MINUTE = 5;
const PAGE_VIEWS_PER_MINUTE = 3;
const ADMIN_ID = 626_262;
const clock = new TestClock();

let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let t: TestService;
let boss: Chat;
beforeAll(async () => {
  const server = new URL(ADMIN_URL);
  proxy = await tcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
  t = await startTestService(
    {
      AUTH_FAILURES_PER_MINUTE: String(FAILURES_PER_MINUTE),
      VERIFY_PAGE_RATE_PER_MINUTE: String(PAGE_VIEWS_PER_MINUTE),
      PORTAL_API_TOKEN: 'portal-token-of-the-test',
      ADMIN_IDS: String(ADMIN_ID),
      // 127.0.0.1 stands for the TLS proxy in front, naming the client; other addresses are clients.
      TRUST_PROXY: '127.0.0.1',
    },
    { databasePort: proxy.port, clock },
  );
  boss = chatWith(t.sandbox, (await t.sandbox.createPerson({ id: ADMIN_ID, name: 'Админ' })).id);
});
afterAll(async () => {
  await proxy?.restore().catch(() => {});
  await t?.stop();
  await proxy?.close();
});

/** A key of the right shape that was never issued: only the database can tell. */
const wrongKey = () => `vk_${randomBytes(32).toString('base64url')}`;
const recoveryFrom = (address: string, token: string | null, body = {}) =>
  requestFrom(address, `${t.service.httpUrl}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

/**
 * Failures are counted per minute of the clock: a boundary between a sequence's failures and the
 * request that should be refused would start the count afresh. Each sequence starts a minute, so
 * it has the whole minute of real time.
 */
const startOfNextMinute = () => clock.set((Math.floor(clock.now().getTime() / 60_000) + 1) * 60);

describe('failed authentication', () => {
  it('is limited per address before any database work; the right credentials still pass', async () => {
    const api = t.service.httpUrl;
    // One minute for the whole test: 127.0.0.5 must still be over its limit when 127.0.0.6 is
    // not, and the key remembered here must still be within its cache lifetime (a minute) when
    // the database is cut.
    startOfNextMinute();
    const key = await newVerifierKey(t);
    expect((await verifyFrom('127.0.0.5', api, key)).status).toBe(200);

    const failures = [];
    for (let i = 0; i < FAILURES_PER_MINUTE; i++)
      failures.push((await verifyFrom('127.0.0.5', api, wrongKey())).status);
    expect(failures).toEqual(Array(FAILURES_PER_MINUTE).fill(401));
    const refused = await verifyFrom('127.0.0.5', api, wrongKey());
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toEqual({ reason: 'too_many_failed_attempts' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);

    // Without PostgreSQL a wrong key could only fail as 503: a 429 means nothing was asked of it.
    await proxy.cut();
    try {
      await readinessOnce(t, 503);
      for (const attempt of [wrongKey(), 'not-even-a-key', null])
        expect((await verifyFrom('127.0.0.5', api, attempt)).status).toBe(429);
      expect((await recoveryFrom('127.0.0.5', 'wrong-portal-token')).status).toBe(429);
      expect((await recoveryFrom('127.0.0.5', null)).status).toBe(429);
      // A checkout's key this process knows passes (the answer needs no database for a non-QR);
      // so does the portal's token (a malformed body is refused before any lookup).
      expect(JSON.parse((await verifyFrom('127.0.0.5', api, key)).text)).toEqual({
        result: 'not_confirmed',
        scenario: 'adult',
        reason: 'not_digital_id',
      });
      expect((await recoveryFrom('127.0.0.5', 'portal-token-of-the-test', { nope: 1 })).status).toBe(400);
    } finally {
      await proxy.restore();
    }
    await readinessOnce(t, 200);

    // Another address is not held back by this one; the recovery API counts into the same limit.
    const other = [];
    for (let i = 0; i < FAILURES_PER_MINUTE; i++)
      other.push((await recoveryFrom('127.0.0.6', 'wrong')).status);
    expect(other).toEqual(Array(FAILURES_PER_MINUTE).fill(401));
    expect((await verifyFrom('127.0.0.6', api, wrongKey())).status).toBe(429);

    // The next minute starts afresh.
    clock.advance(60);
    expect((await verifyFrom('127.0.0.5', api, wrongKey())).status).toBe(401);
  });
});

/** A request as the trusted proxy forwards it, for the client it names. */
const forwarded = (client: string, headers: Record<string, string> = {}) => ({
  ...headers,
  'x-forwarded-for': client,
});
const verifyForwarded = (client: string, key: string) =>
  requestFrom('127.0.0.1', `${t.service.httpUrl}/api/v1/verify`, {
    method: 'POST',
    headers: forwarded(client, { 'content-type': 'application/json', authorization: `Bearer ${key}` }),
    body: JSON.stringify({ qr: 'https://shop.example/not-a-qr', scenario: 'adult' }),
  });

describe('clients named by the trusted proxy', () => {
  it('share one budget of failures per IPv6 /64, and an IPv4 address however it is written', async () => {
    startOfNextMinute();
    const failures = [];
    for (let i = 1; i <= FAILURES_PER_MINUTE; i++)
      failures.push((await verifyForwarded(`2001:db8:5:6::${i}`, wrongKey())).status);
    expect(failures).toEqual(Array(FAILURES_PER_MINUTE).fill(401));
    // Another address of the same /64 is the same subscriber: held back.
    expect((await verifyForwarded('2001:db8:5:6:abcd:1:2:3', wrongKey())).status).toBe(429);
    // The next /64 is someone else.
    expect((await verifyForwarded('2001:db8:5:7::1', wrongKey())).status).toBe(401);

    startOfNextMinute();
    for (let i = 0; i < FAILURES_PER_MINUTE; i++)
      expect((await verifyForwarded('::ffff:198.51.100.7', wrongKey())).status).toBe(401);
    expect((await verifyForwarded('198.51.100.7', wrongKey())).status).toBe(429);
  });

  it('are named only by the trusted proxy: anyone else is counted by its own address', async () => {
    const api = t.service.httpUrl;
    startOfNextMinute();
    for (let i = 0; i < FAILURES_PER_MINUTE; i++) {
      const status = (
        await requestFrom('127.0.0.12', `${api}/api/v1/verify`, {
          method: 'POST',
          headers: forwarded(`203.0.113.${i}`, { authorization: `Bearer ${wrongKey()}` }),
        })
      ).status;
      expect(status).toBe(401);
    }
    expect((await verifyFrom('127.0.0.12', api, wrongKey())).status).toBe(429);
  });

  it('share one budget of /v/ views per IPv6 /64', async () => {
    const view = (client: string) =>
      requestFrom('127.0.0.1', `${t.service.httpUrl}/v/not-a-token`, {
        headers: forwarded(client, { 'accept-language': 'ru' }),
      });
    const seen = [];
    for (let i = 1; i <= PAGE_VIEWS_PER_MINUTE; i++) seen.push((await view(`2001:db8:9:9::${i}`)).status);
    expect(seen).toEqual(Array(PAGE_VIEWS_PER_MINUTE).fill(200));
    expect((await view('2001:db8:9:9:ffff::1')).status).toBe(429);
    expect((await view('2001:db8:9:a::1')).status).toBe(200);
  });
});

describe('the /v/ page', () => {
  const view = (from: string, language = 'ru') =>
    requestFrom(from, `${t.service.httpUrl}/v/not-a-token`, { headers: { 'accept-language': language } });

  it('is limited per address, before the token is looked at', async () => {
    const seen = [];
    for (let i = 0; i < PAGE_VIEWS_PER_MINUTE; i++) seen.push((await view('127.0.0.7')).status);
    expect(seen).toEqual(Array(PAGE_VIEWS_PER_MINUTE).fill(200));
    const refused = await view('127.0.0.7', 'en');
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('Too many checks from your address. Wait a minute and open the page again.');
    await proxy.cut();
    try {
      await readinessOnce(t, 503);
      expect((await view('127.0.0.7')).status).toBe(429);
    } finally {
      await proxy.restore();
    }
    await readinessOnce(t, 200);
    expect((await view('127.0.0.8')).status).toBe(200);
  });

  it('views are counted apart from checks, in /stats and in the metrics', async () => {
    const scrape = async () => (await fetch(`${t.service.httpUrl}/metrics`)).text();
    const series = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.slice(name.length + 1) ?? 0,
      );
    const viewsBefore = series(
      await scrape(),
      'digital_id_page_views_total{result="not_confirmed",reason="malformed"}',
    );
    for (const from of ['127.0.0.9', '127.0.0.10']) expect((await view(from)).status).toBe(200);
    const key = await newVerifierKey(t, 'Касса статистики');
    expect((await verifyFrom('127.0.0.11', t.service.httpUrl, key)).status).toBe(200);

    const metrics = await scrape();
    expect(series(metrics, 'digital_id_page_views_total{result="not_confirmed",reason="malformed"}')).toBe(
      viewsBefore + 2,
    );
    expect(metrics).not.toMatch(/digital_id_verifications_total\{channel="page"/);
    const stats = (await boss.ask('/stats', 'Статистика')).text ?? '';
    // Checks: every API check of this file (each a non-QR). Views: every page shown.
    expect(stats).toMatch(/Проверок Цифрового ID сегодня: not_digital_id \d+\n/);
    expect(stats).not.toMatch(/Проверок Цифрового ID сегодня: .*malformed/);
    expect(stats).toMatch(/Просмотров страницы проверки сегодня: malformed (\d+)/);
    const views = Number(/Просмотров страницы проверки сегодня: malformed (\d+)/.exec(stats)?.[1]);
    expect(views).toBe(viewsBefore + 2);
  });
});
