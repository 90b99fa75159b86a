import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Messenger } from '../../core/messaging/messenger';

/** About one message a second to one chat: Telegram's documented per-chat pace. */
export const CHAT_GAP_MS = 1000;
/** At most one QR edit per chat in this long, whatever the person presses (PRODUCT.md §3). */
export const QR_EDIT_GAP_MS = 2000;

/** How much wider than 1000 / OUTGOING_RATE_PER_SECOND the bot's send slots are. */
const SLOT_MARGIN = 1.05;

/** What a send may do now: go, or try again at `at` (ms since the epoch). */
export type Turn = { go: true } | { go: false; at: number };

/**
 * One chat's turn, atomically, for every process. KEYS: the chat's next free slot, its QR
 * window, this job's reserved slot. A job that must wait reserves the next free slot, so a
 * chat's waiting jobs wake one per gap instead of all at once; on waking inside its slot it
 * goes. A QR edit also needs the QR window free, or held by an accepted "refresh now" press
 * (`press`), and takes it for the gap.
 */
const TURN = `
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
if ARGV[4] == '1' then
  local window = redis.call('GET', KEYS[2])
  if window and window ~= 'press' then return now + math.max(1, redis.call('PTTL', KEYS[2])) end
end
local reserved = tonumber(redis.call('GET', KEYS[3]) or '')
if reserved and reserved > now then return reserved end
if reserved then
  redis.call('DEL', KEYS[3])
else
  local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
  redis.call('SET', KEYS[1], slot + gap, 'PX', slot + gap - now)
  if slot > now then
    redis.call('SET', KEYS[3], slot, 'PX', slot + gap - now)
    return slot
  end
end
if ARGV[4] == '1' then redis.call('SET', KEYS[2], 'edit', 'PX', ARGV[3]) end
return 0
`;

/** The next free slot of the whole bot, taken now: how long to wait for it. */
const SLOT = `
local now = tonumber(ARGV[1])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local free = slot + tonumber(ARGV[2])
redis.call('SET', KEYS[1], free, 'PX', math.ceil(free - now))
return slot - now
`;

/**
 * The pace of the outgoing pipeline, kept in Redis so that every worker process and every
 * bot process sees the same state: per chat, and for the whole bot (OUTGOING_RATE_PER_SECOND).
 * Enforced before sending, never learned from 429s (which pause the whole queue for everyone).
 */
export function sendPace(deps: { redis: Redis; prefix: string; ratePerSecond: number; now?: () => number }) {
  const now = deps.now ?? Date.now;
  // Slots 5 % wider than the rate: a send that reaches the messenger up to 50 ms late still
  // cannot make rate + 1 arrivals in one of the messenger's seconds.
  const intervalMs = (1000 / deps.ratePerSecond) * SLOT_MARGIN;
  // The chat id as a hash tag keeps one chat's keys together on a Redis Cluster.
  const key = (chatId: number, part: string) => `${deps.prefix}:pace:{${chatId}}:${part}`;
  return {
    /** Whether `jobId` may send to `chatId` now; a QR edit also takes the chat's QR window. */
    async turn(chatId: number, jobId: string, kind: 'message' | 'qr'): Promise<Turn> {
      const at = Number(
        await deps.redis.eval(
          TURN,
          3,
          key(chatId, 'next'),
          key(chatId, 'qr'),
          key(chatId, `job:${jobId}`),
          now(),
          CHAT_GAP_MS,
          QR_EDIT_GAP_MS,
          kind === 'qr' ? '1' : '0',
        ),
      );
      return at === 0 ? { go: true } : { go: false, at };
    },

    /**
     * After a QR edit has reached the messenger: the window runs from then, so two edits are
     * a full gap apart as the person sees them, however long the upload took.
     */
    async qrEdited(chatId: number): Promise<void> {
      await deps.redis.set(key(chatId, 'qr'), 'edit', 'PX', QR_EDIT_GAP_MS);
    },

    /**
     * A "refresh now" press: true if no QR edit happened or was granted in the window, and
     * then the chat's next QR edit may go at once. One command, so a storm of presses costs
     * Redis one command each.
     */
    async grantQrEdit(chatId: number): Promise<boolean> {
      return (await deps.redis.set(key(chatId, 'qr'), 'press', 'PX', QR_EDIT_GAP_MS, 'NX')) === 'OK';
    },

    /** How long this call must wait for the bot's next slot, which it now holds. */
    async slot(): Promise<number> {
      return Number(await deps.redis.eval(SLOT, 1, `${deps.prefix}:pace:bot`, now(), intervalMs));
    },
  };
}

/**
 * Every messenger call waits for the bot's next slot, right before it is made: the queue's
 * limiter spaces job starts, but the work between a start and its call (database, Redis)
 * varies, and starts spaced evenly could otherwise reach the messenger in a burst.
 */
export function pacedMessenger(messenger: Messenger, pace: Pick<SendPace, 'slot'>): Messenger {
  const paced =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await waitForSlot(pace);
      return call(...args);
    };
  return {
    protectsContent: messenger.protectsContent,
    sendMessage: paced(messenger.sendMessage),
    sendPhoto: paced(messenger.sendPhoto),
    editPhoto: paced(messenger.editPhoto),
    editCaption: paced(messenger.editCaption),
    editText: paced(messenger.editText),
  };
}

/** Woken this much after its slot, a request takes another instead of going late. */
const LATE_WAKE_MS = 20;
/** Slots a request may take before it goes anyway: a busy process still sends. */
const SLOT_TRIES = 3;

/**
 * Waits for the bot's next slot. A process too busy to wake on time would send the requests of
 * several slots at once, a burst the messenger counts in one second: a late request takes a
 * later slot instead. Redis away: the request goes unpaced (the queue's limiter still spaces
 * the jobs) rather than fail, since a processor takes a call that throws for a request the
 * messenger refused.
 */
export async function waitForSlot(pace: Pick<SendPace, 'slot'>): Promise<void> {
  for (let tries = 1; ; tries++) {
    const wait = await pace.slot().catch(() => 0);
    const due = Date.now() + wait;
    if (wait > 0) await sleep(wait);
    if (Date.now() - due <= LATE_WAKE_MS || tries === SLOT_TRIES) return;
  }
}

export type SendPace = ReturnType<typeof sendPace>;
