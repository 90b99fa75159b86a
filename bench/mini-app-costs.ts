/** What one Mini App poll costs, one at a time, and what the mini-app bench shares with it. */
import { performance } from 'node:perf_hooks';
import { commandsDuring, processCosts } from './costs';
import type { LoadRequest } from './http-load';
import { type Figure, round } from './results';

/** Polls one at a time before the loads, for what one refresh costs. */
const COSTED = 500;
/** Then sessions each polled once (a refresh) and CACHED_POLLS more times before its refreshAt. */
const CACHED_SESSIONS = 20;
const CACHED_POLLS = 50;

/** One app session's poll: its `/qr` path and its person's launch data. */

export interface Api {
  url: string;
  metrics: string;
  stop(): Promise<void>;
}

/**
 * Judges the polls' answers and counts the new QRs among them. A poll's answer is right when it
 * is a QR; anything else (401, 404, 410, 5xx) is a failure. A QR its session had not shown
 * before was signed for a new refresh window; the cache repeats the last one.
 */
export function qrAnswers() {
  const shown = new Map<string, string>();
  let signed = 0;
  return {
    judge(status: number, body: string, poll: LoadRequest): boolean {
      if (status !== 200 || !body.startsWith('{"qr":"')) return false;
      const qr = body.slice('{"qr":"'.length, body.indexOf('"', '{"qr":"'.length));
      if (shown.get(poll.path) !== qr) {
        shown.set(poll.path, qr);
        signed++;
      }
      return true;
    },
    /** New QRs answered so far. */
    signed: () => signed,
  };
}

export type QrAnswers = ReturnType<typeof qrAnswers>;

/**
 * What one poll costs the API process, one at a time (after some to warm up): CPU time and SQL
 * statements from its /metrics, and Redis commands on the bench's own Redis less those of a
 * quiet spell as long. First polls that each sign a new token; then polls answered from the
 * cache, each session polled once (a refresh, counted out by the new QRs) and then
 * CACHED_POLLS times more within its refresh interval.
 */
export async function costFigures(
  api: Api,
  redisUrl: string,
  next: () => LoadRequest,
  answers: QrAnswers,
): Promise<Record<string, Figure>> {
  const poll = async (session: LoadRequest) => {
    const response = await fetch(`${api.url}${session.path}`, { headers: session.headers });
    if (!answers.judge(response.status, await response.text(), session))
      throw new Error(`a poll failed: ${response.status}`);
  };
  for (let i = 0; i < COSTED / 2; i++) await poll(next());
  const refresh = await costOf(api, redisUrl, answers, async () => {
    for (let i = 0; i < COSTED; i++) await poll(next());
  });
  if (refresh.signed !== COSTED) throw new Error(`${refresh.signed} of ${COSTED} polls signed a new token`);
  const mixed = await costOf(api, redisUrl, answers, async () => {
    for (let s = 0; s < CACHED_SESSIONS; s++) {
      const session = next();
      for (let i = 0; i <= CACHED_POLLS; i++) await poll(session);
    }
  });
  const perRefresh = (total: number) => total / COSTED;
  const polls = CACHED_SESSIONS * (CACHED_POLLS + 1);
  const cachedPolls = polls - mixed.signed;
  const perCached = (key: 'cpuMicros' | 'statements' | 'commands') =>
    (mixed[key] - mixed.signed * perRefresh(refresh[key])) / cachedPolls;
  return {
    // The targets are today's figures (README, "Benchmarks"). A refresh reads the session with
    // the person's account and statuses (eligibility is checked again), signs the window's QR
    // and caches it: 1 statement, and no write.
    app_qr_refresh_cpu_us: {
      value: Math.round(perRefresh(refresh.cpuMicros)),
      unit: 'µs',
      target: '<= 2200', // today 1,190-1,340 µs
    },
    app_qr_refresh_sql_per_req: {
      value: round(perRefresh(refresh.statements), 2),
      unit: 'stmts',
      target: '<= 1',
    },
    app_qr_refresh_redis_cmds_per_req: {
      value: round(perRefresh(refresh.commands), 1),
      unit: 'cmds',
      target: '<= 2', // the cache's GET, then its SET NX
    },
    app_qr_cached_cpu_us: {
      value: Math.round(perCached('cpuMicros')),
      unit: 'µs',
      target: '<= 1100', // today 440-650 µs
    },
    app_qr_cached_sql_per_req: { value: round(perCached('statements'), 2), unit: 'stmts', target: '<= 0' },
    app_qr_cached_redis_cmds_per_req: {
      value: round(perCached('commands'), 1),
      unit: 'cmds',
      target: '<= 1',
    },
  };
}

/** What `work` cost the API process in all, and how many tokens it signed meanwhile. */
async function costOf(api: Api, redisUrl: string, answers: QrAnswers, work: () => Promise<void>) {
  const signedBefore = answers.signed();
  const before = await processCosts(api.metrics);
  let spent = 0;
  const busy = await commandsDuring(redisUrl, async () => {
    const started = performance.now();
    await work();
    spent = performance.now() - started;
  });
  const after = await processCosts(api.metrics);
  const quiet = await commandsDuring(redisUrl, () => new Promise((r) => setTimeout(r, spent)));
  return {
    cpuMicros: after.cpuMicros - before.cpuMicros,
    statements: after.statements - before.statements,
    commands: busy - quiet,
    signed: answers.signed() - signedBefore,
  };
}
