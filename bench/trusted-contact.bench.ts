import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TC_DATA } from '../core/trusted-contact/callback-data';
import { openDatabase } from '../db/client';
import type { Database } from '../db/database';
import { trustLinks } from '../db/schema';
import { freePort } from '../infra/free-port';
import { SandboxClient } from '../sandbox/client';
import type { WorldEvent } from '../sandbox/world';
import { seedLinkedPeople, syntheticAccounts } from '../test/support/people';
import { createTestDatabase } from '../test/support/postgres';
import { ownRedisServer } from '../test/support/redis-server';
import { startScript } from '../test/support/run-process';
import { waitFor } from '../test/support/wait';
import { commandsDuring, processCosts } from './costs';
import { type Figure, percentile, round } from './results';

const RATE = 50;
const SECONDS = 30;
const REQUESTS = RATE * SECONDS;
/** Requests sent one at a time before the load, to count what one costs. */
const COSTED = 100;
/** Sent first and not counted: the first requests compile code, which a running service has done. */
const WARM_UP = 20;
/** Each contact helps five trustors, as the portal allows. */
const TRUSTORS_PER_CONTACT = 5;

/** Calls `onEvent` for every event of the sandbox's live stream, as the web page receives them. */
async function followSandbox(url: string, onEvent: (event: WorldEvent) => void): Promise<AbortController> {
  const abort = new AbortController();
  const response = await fetch(`${url}/sandbox/api/events`, { signal: abort.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        if (data) onEvent(JSON.parse(data.slice(6)) as WorldEvent);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  })();
  return abort;
}

type Started = ReturnType<typeof startScript>;

/**
 * 50 recovery requests a second for 30 s, each for a different trustor with an active trusted
 * contact, in the production shape: the API in one process, the worker (with the sandbox as the
 * messenger) in another, this process only the portal. Measured: the portal's POST, and the time
 * until the prompt is in the contact's chat (outbox → BullMQ → worker → messenger). Rate caps are
 * raised, as the issue allows.
 *
 * Before the load (so that no backlog of it is counted in), 100 requests one at a time (after
 * 20 to warm up), each waited for until its prompt arrives, for what one costs: the API
 * process's CPU time and SQL statements (its /metrics; DB_STATEMENT_METRICS on), and Redis
 * commands on both sides (on a Redis server of the bench's own, against a quiet spell as long).
 */
export async function trustedContactBench(): Promise<Record<string, Figure>> {
  const database = await createTestDatabase();
  const redis = await ownRedisServer();
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const portalToken = randomBytes(24).toString('base64url');
  const processes = await startProcesses({
    databaseUrl: database.url,
    redisUrl: redis.url,
    sandboxPort,
    portalToken,
  });
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  try {
    const trustors = await seed(handle.db, new SandboxClient(sandboxUrl));
    const arrivedAt = new Map<string, number>();
    const stream = await followSandbox(sandboxUrl, (event) => {
      if (event.type !== 'message' || event.entry.from !== 'bot') return;
      for (const button of event.entry.inlineKeyboard?.flat() ?? []) {
        const id =
          'callback_data' in button ? TC_DATA.approve.parse(button.callback_data ?? '')?.[0] : undefined;
        if (id) arrivedAt.set(id, performance.now());
      }
    });
    const request = (accountId: string) => requestRecovery(processes.apiUrl, portalToken, accountId);
    const costed = trustors.splice(0, WARM_UP + COSTED);
    for (const trustor of costed.splice(0, WARM_UP)) await recoverOnce(request, trustor.id, arrivedAt);
    const cost = await costFigures(costed, request, arrivedAt, {
      metricsUrl: `${processes.apiUrl}/metrics`,
      redisUrl: redis.url,
    });
    const load = await loadFigures(trustors, request, arrivedAt);
    stream.abort();
    return { ...load, ...cost };
  } finally {
    await processes.stop();
    await handle.close();
    await redis.stop();
    await database.drop();
  }
}

/** The messenger side (sandbox, bot, worker) and the API, as two processes. */
async function startProcesses(at: {
  databaseUrl: string;
  redisUrl: string;
  sandboxPort: number;
  portalToken: string;
}) {
  const sandboxUrl = `http://127.0.0.1:${at.sandboxPort}`;
  const shared = {
    DATABASE_URL: at.databaseUrl,
    REDIS_URL: at.redisUrl,
    QUEUE_PREFIX: 'bench',
    PORT: '0',
    LOG_LEVEL: 'info',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PORTAL_API_TOKEN: at.portalToken,
    TRUSTORS_PER_CONTACT: String(TRUSTORS_PER_CONTACT),
  };
  const started: Started[] = [];
  const stop = async () => {
    for (const process of started.reverse()) {
      process.child.kill('SIGTERM');
      await process.exited;
    }
  };
  try {
    const messenger = startScript(
      'app/main.ts',
      {
        ...shared,
        ROLES: 'sandbox,bot,worker',
        SANDBOX_PORT: String(at.sandboxPort),
        SANDBOX_RATE_PER_SECOND: '0',
        OUTGOING_RATE_PER_SECOND: '1000',
        RECOVERY_CALLBACK_URL: `${sandboxUrl}/sandbox/api/portal/callbacks`,
        RECOVERY_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
      },
      /receiving updates by long polling/,
    );
    started.push(messenger);
    await messenger.ready;
    const api = startScript(
      'app/main.ts',
      {
        ...shared,
        ROLES: 'api',
        SMS_HTTP_URL: `${sandboxUrl}/sandbox/api/sms`,
        DB_STATEMENT_METRICS: 'true',
      },
      /HTTP server listening on http:\/\/[0-9.:]+/,
    );
    started.push(api);
    const apiUrl = /HTTP server listening on (http:\/\/[0-9.:]+)/.exec(await api.ready)?.[1] as string;
    return { apiUrl, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Trustors, each with an active trusted contact; each contact helps five. */
async function seed(db: Database, sandbox: SandboxClient) {
  const all = REQUESTS + WARM_UP + COSTED;
  const contacts = syntheticAccounts(all / TRUSTORS_PER_CONTACT, 'bench-contact', 'Контакт', 2_000_000);
  const trustors = syntheticAccounts(all, 'bench-trustor', 'Доверитель', 2_100_000);
  await seedLinkedPeople(db, [...contacts, ...trustors], (name) =>
    sandbox.createPerson({ name, languageCode: 'ru' }),
  );
  const now = new Date();
  await db.insert(trustLinks).values(
    trustors.map((trustor, i) => ({
      trustorAccountId: trustor.id,
      contactAccountId: contacts[Math.floor(i / TRUSTORS_PER_CONTACT)]?.id as string,
      contactName: 'Контакт',
      contactPhoneMasked: '+*******0000',
      status: 'active' as const,
      delivered: true,
      invitedAt: now,
      expiresAt: now,
      acceptedAt: now,
    })),
  );
  return trustors;
}

/**
 * The portal's POST; `id` is null unless it was accepted. A request that gets no answer (a
 * connection timing out on a machine loaded by others) is a failure to count, not a crash.
 */
async function requestRecovery(apiUrl: string, portalToken: string, accountId: string) {
  const sent = performance.now();
  const id = await fetch(`${apiUrl}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${portalToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  }).then(
    async (response) => {
      const body = (await response.json()) as { id?: string };
      return response.status === 202 && body.id ? body.id : null;
    },
    () => null,
  );
  return { id, latency: performance.now() - sent, sent };
}

type Request = (accountId: string) => ReturnType<typeof requestRecovery>;

async function loadFigures(
  trustors: { id: string }[],
  request: Request,
  arrivedAt: Map<string, number>,
): Promise<Record<string, Figure>> {
  const postedAt = new Map<string, number>();
  const apiLatency: number[] = [];
  let failures = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const [i, trustor] of trustors.entries()) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      request(trustor.id).then(({ id, latency, sent }) => {
        apiLatency.push(latency);
        if (id) postedAt.set(id, sent);
        else failures++;
      }),
    );
  }
  await Promise.all(inFlight);
  await waitFor(
    () => [...postedAt.keys()].every((id) => arrivedAt.has(id)),
    'every prompt to arrive',
    120_000,
  );
  const delivery = [...postedAt].map(([id, at]) => (arrivedAt.get(id) as number) - at).sort((a, b) => a - b);
  apiLatency.sort((a, b) => a - b);
  return {
    prompt_delivery_p50_ms: { value: round(percentile(delivery, 50)), unit: 'ms', target: '<= 1000' },
    prompt_delivery_p99_ms: { value: round(percentile(delivery, 99)), unit: 'ms', target: '<= 1000' },
    recovery_api_p50_ms: { value: round(percentile(apiLatency, 50), 2), unit: 'ms', target: '<= 20' },
    recovery_api_p99_ms: { value: round(percentile(apiLatency, 99), 2), unit: 'ms', target: '<= 20' },
    recovery_api_failures: { value: failures, unit: 'req', target: '<= 0' },
  };
}

/** One request, and its prompt in the contact's chat. */
async function recoverOnce(request: Request, accountId: string, arrivedAt: Map<string, number>) {
  const { id } = await request(accountId);
  if (!id) throw new Error('a recovery request was refused');
  await waitFor(() => arrivedAt.has(id), 'the prompt to arrive');
}

/**
 * Requests one at a time, each until its prompt arrived, and what they cost: each figure less
 * what a quiet spell as long costs.
 */
async function costFigures(
  trustors: { id: string }[],
  request: Request,
  arrivedAt: Map<string, number>,
  at: { metricsUrl: string; redisUrl: string },
): Promise<Record<string, Figure>> {
  let spent = 0;
  const before = await processCosts(at.metricsUrl);
  const busy = await commandsDuring(at.redisUrl, async () => {
    const started = performance.now();
    for (const trustor of trustors) await recoverOnce(request, trustor.id, arrivedAt);
    spent = performance.now() - started;
  });
  const after = await processCosts(at.metricsUrl);
  const quiet = await commandsDuring(at.redisUrl, () => new Promise((r) => setTimeout(r, spent)));
  // The API idles while each prompt travels: what it spends idle over as long is not the requests'.
  const idle = (await processCosts(at.metricsUrl)).cpuMicros - after.cpuMicros;
  return {
    recovery_api_cpu_us: {
      value: Math.round((after.cpuMicros - before.cpuMicros - idle) / trustors.length),
      unit: 'µs',
      target: '<= 12500', // today ~10,000 µs
    },
    recovery_sql_per_req: {
      value: round((after.statements - before.statements) / trustors.length, 2),
      unit: 'stmts',
      target: '<= 10', // today 10
    },
    recovery_redis_cmds_per_req: {
      value: round((busy - quiet) / trustors.length, 1),
      unit: 'cmds',
      target: '<= 230', // today 218-222, commands run inside BullMQ's scripts included
    },
  };
}
