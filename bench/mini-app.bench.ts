import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { openDatabase } from '../db/client';
import type { Database } from '../db/database';
import { signLaunchData } from '../test/support/launch-data';
import { SESSIONS_PATH } from '../test/support/mini-app';
import { seedLinkedPeople, syntheticAccounts } from '../test/support/people';
import { createTestDatabase } from '../test/support/postgres';
import { ownRedisServer } from '../test/support/redis-server';
import { startScript } from '../test/support/run-process';
import { procCpuMicros, processCosts, redisServerPid } from './costs';
import { httpLoad, type LoadRequest, type LoadResult } from './http-load';
import { type Api, costFigures, type QrAnswers, qrAnswers } from './mini-app-costs';
import { type Figure, percentile, round, SHOWN_ONLY } from './results';

/** People, each linked in the chat and with an open app session; the loads go round them. */
const PEOPLE = 4000;
/**
 * The API processes' refresh interval. The loads visit each session once every PEOPLE
 * requests, over a second apart below 4,000 requests a second, so every poll comes after its
 * session's `refreshAt` and signs a new token: what every poll of a live QR does at the real
 * 30 s, one poll per refresh. `app_qr_refresh_share` shows it held.
 */
const REFRESH_SECONDS = 1;
/** A live QR's refresh in production (QR_REFRESH_SECONDS's default), for the ceilings. */
const LIVE_REFRESH_SECONDS = 30;
/** The chat's ceiling (README): the default outgoing cap of 25 requests/s, one edit a refresh. */
const CHAT_CAP_PER_SECOND = 25;
const CHAT_REQUESTS_PER_REFRESH = 1;
/** Each side's time at saturation, in two windows (see saturations). */
const SATURATION_SECONDS = 20;
/** Callers in the closed loop: enough to keep both API processes busy, few enough to queue little. */
const CONCURRENCY = 32;
const RATE = 1000;
const RATE_SECONDS = 30;
/** Unmeasured load before each window: the first requests compile code, and pools connect. */
const WARM_UP_SECONDS = 3;

/** Connections each API process keeps to PostgreSQL; the default (10) is measured beside it. */
const POOL_SIZE = 2;
const DEFAULT_POOL_SIZE = 10;

/** Any token of the right shape: launch data is checked against it, and nothing calls Telegram. */
const BOT_TOKEN = `7000000002:${randomBytes(27).toString('base64url')}`;

/** The rest of the stack a poll uses: this database's PostgreSQL backends, and the Redis server. */
type StackPids = () => Promise<number[]>;

/**
 * The Mini App's QR poll, `GET /api/v1/app/digital-id/sessions/:id/qr`, with launch-data
 * authentication, against API-only processes (ROLES=api, as production runs them) sharing one
 * PostgreSQL and a Redis of the bench's own; the loader (undici) runs in this process, on
 * loopback. 4,000 people are linked straight in the database and open their app sessions
 * through the API; each request carries its own person's `Authorization: tma <initData>`.
 *
 * Measured, in order, setup kept out of every window: what one poll costs (a refresh, and a
 * poll answered from the cache) one at a time; the requests per second one API process answers
 * at saturation, and two together (requests alternating between them, as a load balancer sends
 * them), in turns, with the CPU per request of the API processes (their /metrics) and of
 * PostgreSQL and Redis (/proc); then one process at a fixed 1,000 requests per second for 30 s,
 * open loop, and the same on a process with the default pool of connections. From these, the
 * live QRs one bot keeps in the chat and in the Mini App.
 */
export async function miniAppBench(): Promise<Record<string, Figure>> {
  const database = await createTestDatabase();
  const redis = await ownRedisServer();
  const env = {
    ROLES: 'api',
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'bench',
    PORT: '0',
    LOG_LEVEL: 'info',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOT_TOKEN,
    QR_REFRESH_SECONDS: String(REFRESH_SECONDS),
    QR_SESSION_SECONDS: '3600',
    DB_STATEMENT_METRICS: 'true',
    // Two connections per API process, as DATABASE_POOL_SIZE advises for a two-core database:
    // `app_qr_p99_pool_10_ms` measures the default's ten beside it.
    DATABASE_POOL_SIZE: String(POOL_SIZE),
  };
  const apis: Api[] = [];
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  const catalog = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const redisPid = await redisServerPid(redis.url);
    const stackPids: StackPids = async () => [
      ...(
        await catalog<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database()`
      ).map((row) => row.pid),
      redisPid,
    ];
    // One after the other: the first migrates the database the second and the seeding use.
    for (let i = 0; i < 2; i++) apis.push(await startApi(env));
    const [one, two] = apis as [Api, Api];
    const sessions = await openAppSessions(handle.db, one.url);
    // Past every session's first refreshAt: the first poll of each signs its next token.
    await new Promise((r) => setTimeout(r, REFRESH_SECONDS * 1000 + 100));
    let cursor = 0;
    const next = () => sessions[cursor++ % sessions.length] as LoadRequest;
    const answers = qrAnswers();
    const costs = await costFigures(one, redis.url, next, answers);
    const { one: single, two: both } = await saturations([one, two], answers, stackPids, next);
    const fixed = await fixedRate(one, next, answers);
    // The same fixed rate on a process with the default pool, started only now: a third process
    // would have been idle through the other windows anyway.
    const tenPool = await startApi({ ...env, DATABASE_POOL_SIZE: String(DEFAULT_POOL_SIZE) });
    apis.push(tenPool);
    const defaultPool = await fixedRate(tenPool, next, answers);
    return {
      ...costs,
      ...saturationFigures(single, both),
      ...fixed,
      app_qr_p99_pool_10_ms: { ...(defaultPool.app_qr_p99_ms as Figure), target: SHOWN_ONLY },
      ...ceilingFigures(single, both),
      app_bench_load_1m: { value: round(loadavg()[0] ?? 0, 2), unit: 'load', target: SHOWN_ONLY },
    };
  } finally {
    for (const api of apis) await api.stop();
    await catalog.end();
    await handle.close();
    await redis.stop();
    await database.drop();
  }
}

async function startApi(env: Record<string, string>): Promise<Api> {
  const api = startScript('app/main.ts', env, /HTTP server listening on http:\/\/[0-9.:]+/);
  const stop = async () => {
    api.child.kill('SIGTERM');
    await api.exited;
  };
  try {
    const url = /HTTP server listening on (http:\/\/[0-9.:]+)/.exec(await api.ready)?.[1] as string;
    return { url, metrics: `${url}/metrics`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** People linked in the database, each opening an app session through the API, 16 at a time. */
async function openAppSessions(db: Database, apiUrl: string): Promise<LoadRequest[]> {
  // Messenger ids and phone numbers of their own, apart from the other benches' people.
  const first = 3_000_000;
  let nextUserId = first;
  const userOf = await seedLinkedPeople(
    db,
    syntheticAccounts(PEOPLE, 'bench-app', 'Приложение', first),
    () => ({
      id: nextUserId++,
    }),
  );
  const users = [...userOf.values()];
  const sessions: LoadRequest[] = [];
  const opener = async () => {
    for (let id = users.pop(); id !== undefined; id = users.pop()) {
      const user = { id, first_name: 'Тест', language_code: 'ru' };
      const headers = { authorization: `tma ${signLaunchData(BOT_TOKEN, { user })}` };
      const response = await fetch(`${apiUrl}${SESSIONS_PATH}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: 'adult' }),
      });
      const body = (await response.json()) as { sessionId?: string };
      if (response.status !== 201 || !body.sessionId)
        throw new Error(`could not open an app session: ${response.status} ${JSON.stringify(body)}`);
      sessions.push({ path: `${SESSIONS_PATH}/${body.sessionId}/qr`, headers });
    }
  };
  await Promise.all(Array.from({ length: 16 }, opener));
  return sessions;
}

/** What one or more saturation windows of a set of API processes added up to. */
interface Window {
  answered: number;
  seconds: number;
  failures: number;
  /** Tokens signed meanwhile. */
  signed: number;
  /** CPU microseconds: the API processes together; PostgreSQL's backends and Redis; the loader. */
  apiCpu: number;
  restCpu: number;
  loaderCpu: number;
}

interface Saturation {
  perSecond: number;
  failures: number;
  /** Of the polls answered, the share that signed a new token. */
  refreshShare: number;
  /** The API processes' CPU time per answered poll, all of them together. */
  apiCpuMicros: number;
  /** With PostgreSQL's backends and Redis: what the poll costs the whole stack. */
  stackCpuMicros: number;
  /** This process's (the loader's) CPU time per answered poll. */
  loaderCpuMicros: number;
}

/**
 * One process, then both, then both, then one, each window SATURATION_SECONDS ÷ 2: a neighbour's
 * load that grows or fades through the run favours neither side of the ratio.
 */
async function saturations(
  apis: [Api, Api],
  answers: QrAnswers,
  stackPids: StackPids,
  next: () => LoadRequest,
) {
  const one: Window[] = [];
  const two: Window[] = [];
  for (const [side, servers] of [
    [one, [apis[0]]],
    [two, apis],
    [two, apis],
    [one, [apis[0]]],
  ] as const)
    side.push(await saturation(servers, answers, stackPids, next));
  return { one: perPoll(one), two: perPoll(two) };
}

function perPoll(windows: Window[]): Saturation {
  const total = (key: keyof Window) => windows.reduce((sum, w) => sum + w[key], 0);
  const answered = total('answered');
  return {
    perSecond: answered / total('seconds'),
    failures: total('failures'),
    refreshShare: total('signed') / answered,
    apiCpuMicros: total('apiCpu') / answered,
    stackCpuMicros: (total('apiCpu') + total('restCpu')) / answered,
    loaderCpuMicros: total('loaderCpu') / answered,
  };
}

/** The API processes at saturation: a closed loop of CONCURRENCY callers, after a warm-up. */
async function saturation(
  apis: readonly Api[],
  answers: QrAnswers,
  stackPids: StackPids,
  next: () => LoadRequest,
): Promise<Window> {
  const load = httpLoad(
    apis.map((api) => api.url),
    { connectionsPerServer: CONCURRENCY, next, ok: answers.judge },
  );
  try {
    await load.closedLoop(CONCURRENCY, WARM_UP_SECONDS);
    const signedBefore = answers.signed();
    const before = await Promise.all(apis.map((api) => processCosts(api.metrics)));
    const restBefore = new Map((await stackPids()).map((pid) => [pid, procCpuMicros([pid])]));
    const loaderBefore = process.cpuUsage();
    const result = await load.closedLoop(CONCURRENCY, SATURATION_SECONDS / 2);
    const loader = process.cpuUsage(loaderBefore);
    const after = await Promise.all(apis.map((api) => processCosts(api.metrics)));
    return {
      answered: result.answered,
      seconds: result.seconds,
      failures: result.failures,
      signed: answers.signed() - signedBefore,
      apiCpu: after.reduce((sum, a, i) => sum + a.cpuMicros - (before[i]?.cpuMicros ?? 0), 0),
      // A backend that connected during the window spent all its time in it.
      restCpu: (await stackPids()).reduce(
        (sum, pid) => sum + procCpuMicros([pid]) - (restBefore.get(pid) ?? 0),
        0,
      ),
      loaderCpu: loader.user + loader.system,
    };
  } finally {
    await load.close();
  }
}

function saturationFigures(one: Saturation, two: Saturation): Record<string, Figure> {
  return {
    app_qr_per_s: { value: Math.round(one.perSecond), unit: 'req/s', target: `>= ${RATE}` },
    app_qr_failures_at_saturation: { value: one.failures, unit: 'req', target: '<= 0' },
    app_qr_refresh_share: { value: round(one.refreshShare, 3), unit: 'share', target: '>= 0.95' },
    app_qr_cpu_us: { value: Math.round(one.apiCpuMicros), unit: 'µs', target: '<= 600' }, // today 267-312 µs
    app_qr_stack_cpu_us: { value: Math.round(one.stackCpuMicros), unit: 'µs', target: SHOWN_ONLY },
    app_qr_loader_cpu_us: { value: Math.round(one.loaderCpuMicros), unit: 'µs', target: SHOWN_ONLY },
    app_qr_two_per_s: { value: Math.round(two.perSecond), unit: 'req/s', target: SHOWN_ONLY },
    app_qr_two_failures: { value: two.failures, unit: 'req', target: '<= 0' },
    app_qr_two_refresh_share: { value: round(two.refreshShare, 3), unit: 'share', target: '>= 0.95' },
    app_qr_two_cpu_us: { value: Math.round(two.apiCpuMicros), unit: 'µs', target: SHOWN_ONLY },
    // Two processes on a two-core machine that also runs the loader, PostgreSQL and Redis
    // cannot double; the CPU per request, which holds, says what a core of its own would do.
    app_qr_two_vs_one: { value: round(two.perSecond / one.perSecond, 2), unit: '×', target: SHOWN_ONLY },
  };
}

/** One API process at RATE requests a second for RATE_SECONDS, open loop. */
async function fixedRate(
  api: Api,
  next: () => LoadRequest,
  answers: QrAnswers,
): Promise<Record<string, Figure>> {
  const load = httpLoad([api.url], { connectionsPerServer: CONCURRENCY, next, ok: answers.judge });
  let result: LoadResult;
  try {
    await load.openLoop(RATE, WARM_UP_SECONDS);
    result = await load.openLoop(RATE, RATE_SECONDS);
  } finally {
    await load.close();
  }
  return {
    app_qr_p50_ms: { value: round(percentile(result.latencies, 50), 2), unit: 'ms', target: SHOWN_ONLY },
    app_qr_p99_ms: { value: round(percentile(result.latencies, 99), 2), unit: 'ms', target: '<= 50' },
    app_qr_fixed_rate_answered: { value: result.answered, unit: 'req', target: `>= ${RATE * RATE_SECONDS}` },
    app_qr_failures: { value: result.failures, unit: 'req', target: '<= 0' },
  };
}

/**
 * Live QRs one bot token keeps at the 30 s refresh. In the chat every refresh is a request to the
 * messenger, under the service's cap; in the Mini App every refresh is one poll of the API, and
 * the messenger carries none, so the ceiling is the API's: polls a second × 30 s, per process.
 */
function ceilingFigures(one: Saturation, two: Saturation): Record<string, Figure> {
  const chat = (CHAT_CAP_PER_SECOND * LIVE_REFRESH_SECONDS) / CHAT_REQUESTS_PER_REFRESH;
  const app = Math.floor(one.perSecond * LIVE_REFRESH_SECONDS);
  return {
    live_qr_per_bot_chat: { value: chat, unit: 'QRs', target: SHOWN_ONLY },
    live_qr_per_bot_app: { value: app, unit: 'QRs', target: `>= ${40 * chat}` },
    live_qr_app_vs_chat: { value: round(app / chat), unit: '×', target: '>= 40' },
    live_qr_per_bot_app_two: {
      value: Math.floor(two.perSecond * LIVE_REFRESH_SECONDS),
      unit: 'QRs',
      target: SHOWN_ONLY,
    },
    // What one core given wholly to an API process would keep, from its CPU per poll; and one
    // core's worth of the whole stack (API, PostgreSQL, Redis).
    live_qr_per_api_core: {
      value: Math.floor((1e6 / one.apiCpuMicros) * LIVE_REFRESH_SECONDS),
      unit: 'QRs',
      target: SHOWN_ONLY,
    },
    live_qr_per_stack_core: {
      value: Math.floor((1e6 / one.stackCpuMicros) * LIVE_REFRESH_SECONDS),
      unit: 'QRs',
      target: SHOWN_ONLY,
    },
  };
}
