import { Queue } from 'bullmq';
import { maxClient } from '../bot/platform/max/client';
import { maxMessenger } from '../bot/platform/max/max-messenger';
import type { MaxAttachmentRequest } from '../bot/platform/max/types';
import { maxMessageRepository } from '../db/repositories/max-message.repository';
import { createLogger } from '../infra/logger';
import { chatByMaxId, DIALOG_OFFSET } from '../sandbox/max/ids';
import { seedLinkedPeople, syntheticAccounts } from '../test/support/people';
import { REDIS_URL } from '../test/support/redis';
import { startTestService } from '../test/support/service';
import { waitFor } from '../test/support/wait';
import { waitForSlot } from '../workers/outgoing/send-pace';
import { QUEUES } from '../workers/queues';
import { openLiveSessions, refreshLateness } from './digital-id.bench';
import { type Figure, percentile, round, SHOWN_ONLY } from './results';

const SESSIONS = 400;
const REFRESH_SECONDS = 30;
const RUN_SECONDS = 120;
/** MAX's limit, which the sandbox enforces here (every Bot API request, POST /uploads included). */
const MAX_LIMIT = 30;
/** The service's own cap for this run: 400 QRs need 26.7 requests a second, above the default 25. */
const CAP = 29;
/** The default cap (OUTGOING_RATE_PER_SECOND), for the ceiling at the defaults. */
const DEFAULT_CAP = 25;

/**
 * 400 live sessions refreshing every 30 s for 2 minutes on MAX's protocol, with the sandbox's
 * limit at MAX's 30 requests a second and the service's cap raised to 29 (said here because it
 * is not the default). Each refresh is an upload (`POST /uploads`) and an edit, two requests,
 * so 400 QRs make about 27 a second. The sessions are opened as the bot opens them, within the
 * same pace. Beside the lateness: the 429s the sandbox answered, the Bot API requests one
 * refresh costs (counted by the sandbox), and from that the live QRs one MAX bot can keep at
 * the default cap, against Telegram's one request a refresh.
 */
export async function maxRefreshBench(): Promise<Record<string, Figure>> {
  const t = await startTestService(
    {
      OUTGOING_RATE_PER_SECOND: String(CAP),
      SANDBOX_RATE_PER_SECOND: String(MAX_LIMIT),
      QR_REFRESH_SECONDS: String(REFRESH_SECONDS),
      TOKEN_TTL_SECONDS: '45',
      QR_SESSION_SECONDS: String(RUN_SECONDS + 2 * REFRESH_SECONDS),
    },
    { platform: 'max' },
  );
  const queue = new Queue(QUEUES.outgoing.name, {
    connection: { url: REDIS_URL },
    prefix: t.config.queuePrefix,
  });
  try {
    const sandbox = t.service.sandbox!;
    const backend = t.service.backend!;
    const seeded = await seedLinkedPeople(
      t.database.db,
      syntheticAccounts(SESSIONS, 'maxbench', 'Нагрузка', 8_000_000),
      (firstName) => sandbox.world.addPerson({ firstName, languageCode: 'ru' }),
    );
    const people = [...seeded.values()].map((id) => ({ id }));
    const client = maxClient({
      root: sandbox.url,
      token: sandbox.token,
      beforeRequest: () => waitForSlot(backend.pace),
    });
    const messenger = maxMessenger({
      client,
      store: maxMessageRepository<MaxAttachmentRequest>(t.database.db),
      botId: sandbox.world.bot.id,
      logger: createLogger('silent'),
    });
    // A dialog's chat_id on MAX is its own number, not the person's user_id.
    const chatOf = (personId: number) => personId + DIALOG_OFFSET;
    if (!chatByMaxId(sandbox.world, chatOf(people[0]!.id))) throw new Error('the dialog ids changed');
    const started = Date.now();
    await openLiveSessions(t, people, REFRESH_SECONDS * 1000, { messenger, chatOf });
    // A steady spell after every session is open: the Bot API requests one refresh costs.
    const steadyFrom = { taken: sandbox.limiter.taken, shown: (await refreshLateness(queue)).length };
    await new Promise((r) => setTimeout(r, Math.max(0, started + RUN_SECONDS * 1000 - Date.now())));
    await waitFor(async () => (await queue.getActiveCount()) === 0, 'the last refreshes to finish');
    const lateness = await refreshLateness(queue);
    const perRefresh = (sandbox.limiter.taken - steadyFrom.taken) / (lateness.length - steadyFrom.shown);
    return {
      max_refresh_count: {
        value: lateness.length,
        unit: 'edits',
        target: `>= ${Math.floor(0.95 * SESSIONS * ((RUN_SECONDS - REFRESH_SECONDS) / REFRESH_SECONDS))}`,
      },
      max_refresh_lateness_p50_ms: { value: round(percentile(lateness, 50)), unit: 'ms', target: SHOWN_ONLY },
      max_refresh_lateness_p99_ms: { value: round(percentile(lateness, 99)), unit: 'ms', target: '<= 1000' },
      max_429s: { value: sandbox.limiter.refused, unit: '429s', target: '<= 0' },
      max_requests_per_refresh: { value: round(perRefresh, 2), unit: 'requests', target: '<= 2.1' },
      max_live_qr_per_bot: {
        value: Math.floor((DEFAULT_CAP * REFRESH_SECONDS) / perRefresh),
        unit: 'QRs',
        target: SHOWN_ONLY,
      },
    };
  } finally {
    await queue.close();
    await t.stop();
  }
}
