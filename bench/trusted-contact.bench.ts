import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Account } from '../core/identity/account';
import { TC_DATA } from '../core/trusted-contact/callback-data';
import { openDatabase } from '../db/client';
import type { Database } from '../db/database';
import { trustLinks } from '../db/schema';
import { SandboxClient } from '../sandbox/client';
import type { WorldEvent } from '../sandbox/world';
import { seedLinkedPeople, syntheticAccounts } from '../test/support/people';
import { freePort } from '../test/support/ports';
import { createTestDatabase } from '../test/support/postgres';
import { REDIS_URL, testQueuePrefix } from '../test/support/redis';
import { startScript } from '../test/support/run-process';
import { waitFor } from '../test/support/wait';
import { type Figure, percentile, round } from './results';

const RATE = 50;
const SECONDS = 30;
const REQUESTS = RATE * SECONDS;
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

/**
 * 50 recovery requests a second for 30 s, each for a different trustor with an active trusted
 * contact, in the production shape: the API in one process, the worker (with the sandbox as the
 * messenger) in another, this process only the portal. Measured: the portal's POST, and the time
 * until the prompt is in the contact's chat (outbox → BullMQ → worker → messenger). Rate caps are
 * raised, as the issue allows.
 */
export async function trustedContactBench(): Promise<Record<string, Figure>> {
  const database = await createTestDatabase();
  const queue = testQueuePrefix();
  const service = await startService(database.url, queue.prefix);
  const handle = await openDatabase({ kind: 'postgres', url: database.url });
  try {
    const trustors = await seedTrustedContacts(handle.db, new SandboxClient(service.sandboxUrl));
    const prompts = await followPrompts(service.sandboxUrl);
    const requests = await postRecoveryRequests(service, trustors);
    await waitFor(() => prompts.arrivedAt.size >= requests.postedAt.size, 'every prompt to arrive', 120_000);
    prompts.stop();
    const delivery = [...requests.postedAt]
      .map(([id, at]) => (prompts.arrivedAt.get(id) as number) - at)
      .sort((a, b) => a - b);
    const apiLatency = requests.latency.sort((a, b) => a - b);
    return {
      prompt_delivery_p50_ms: { value: round(percentile(delivery, 50)), unit: 'ms', target: '<= 1000' },
      prompt_delivery_p99_ms: { value: round(percentile(delivery, 99)), unit: 'ms', target: '<= 1000' },
      recovery_api_p50_ms: { value: round(percentile(apiLatency, 50), 2), unit: 'ms', target: '<= 20' },
      recovery_api_p99_ms: { value: round(percentile(apiLatency, 99), 2), unit: 'ms', target: '<= 20' },
      recovery_api_failures: { value: requests.failures, unit: 'req', target: '<= 0' },
    };
  } finally {
    await service.stop();
    await handle.close();
    await queue.cleanup();
    await database.drop();
  }
}

/** The service in two processes: sandbox, bot and worker in one, the API in the other. */
async function startService(databaseUrl: string, queuePrefix: string) {
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const portalToken = randomBytes(24).toString('base64url');
  const shared = {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    PORT: '0',
    LOG_LEVEL: 'info',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PORTAL_API_TOKEN: portalToken,
    TRUSTORS_PER_CONTACT: String(TRUSTORS_PER_CONTACT),
  };
  const messenger = startScript(
    'app/main.ts',
    {
      ...shared,
      ROLES: 'sandbox,bot,worker',
      SANDBOX_PORT: String(sandboxPort),
      SANDBOX_RATE_PER_SECOND: '0',
      OUTGOING_RATE_PER_SECOND: '1000',
      RECOVERY_CALLBACK_URL: `${sandboxUrl}/sandbox/api/portal/callbacks`,
      RECOVERY_CALLBACK_SECRET: randomBytes(24).toString('base64url'),
    },
    /receiving updates by long polling/,
  );
  await messenger.ready;
  const api = startScript(
    'app/main.ts',
    { ...shared, ROLES: 'api', SMS_HTTP_URL: `${sandboxUrl}/sandbox/api/sms` },
    /HTTP server listening on http:\/\/[0-9.:]+/,
  );
  const apiUrl = /HTTP server listening on (http:\/\/[0-9.:]+)/.exec(await api.ready)?.[1] as string;
  return {
    sandboxUrl,
    apiUrl,
    portalToken,
    async stop() {
      for (const process of [api, messenger]) {
        process.child.kill('SIGTERM');
        await process.exited;
      }
    },
  };
}

/** Every trustor linked, with an active trusted contact that helps five of them; the trustors. */
async function seedTrustedContacts(db: Database, sandbox: SandboxClient): Promise<Account[]> {
  const contacts = syntheticAccounts(REQUESTS / TRUSTORS_PER_CONTACT, 'bench-contact', 'Контакт', 2_000_000);
  const trustors = syntheticAccounts(REQUESTS, 'bench-trustor', 'Доверитель', 2_100_000);
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

/** When each recovery request's approval prompt reached its contact's chat, by request id. */
async function followPrompts(sandboxUrl: string) {
  const arrivedAt = new Map<string, number>();
  const stream = await followSandbox(sandboxUrl, (event) => {
    if (event.type !== 'message' || event.entry.from !== 'bot') return;
    for (const button of event.entry.inlineKeyboard?.flat() ?? []) {
      const id =
        'callback_data' in button ? TC_DATA.approve.parse(button.callback_data ?? '')?.[0] : undefined;
      if (id) arrivedAt.set(id, performance.now());
    }
  });
  return { arrivedAt, stop: () => stream.abort() };
}

/** One request per trustor, paced at RATE a second as the portal would send them. */
async function postRecoveryRequests(
  service: { apiUrl: string; portalToken: string },
  trustors: Account[],
): Promise<{ postedAt: Map<string, number>; latency: number[]; failures: number }> {
  const postedAt = new Map<string, number>();
  const latency: number[] = [];
  let failures = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (const [i, trustor] of trustors.entries()) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      (async () => {
        const sent = performance.now();
        const response = await fetch(`${service.apiUrl}/api/v1/recovery-requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${service.portalToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ accountId: trustor.id }),
        });
        const body = (await response.json()) as { id?: string };
        latency.push(performance.now() - sent);
        if (response.status !== 202 || !body.id) failures++;
        else postedAt.set(body.id, sent);
      })(),
    );
  }
  await Promise.all(inFlight);
  return { postedAt, latency, failures };
}
