import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';

/** Launch data longer than this is refused unread (PRODUCT.md §8). */
export const LAUNCH_DATA_MAX_BYTES = 4096;

/** A messenger's clock may run a little ahead of ours; further ahead is a forgery or a broken clock. */
export const LAUNCH_DATA_FUTURE_SECONDS = 60;

/** The person a valid launch data names, as the messenger signed it. */
export interface LaunchUser {
  /** The messenger user id: the same id the chat knows the person by. */
  id: number;
  languageCode: string | undefined;
}

export type LaunchDataRefusal =
  | 'too_large'
  | 'malformed'
  | 'no_hash'
  | 'bad_hash'
  | 'stale'
  | 'future'
  | 'no_user';

export type LaunchDataCheck = { ok: true; user: LaunchUser } | { ok: false; refusal: LaunchDataRefusal };

const HASH = /^[0-9a-f]{64}$/;
const UNIX_TIME = /^\d{1,13}$/;

/**
 * MAX's documents type `auth_date` as a number without a unit. Seconds (Telegram's) stay below
 * 10^11 until the year 5138 and milliseconds passed it in 1973, so a larger value is read as
 * milliseconds: launch data from either messenger is judged by its real age, never refused for
 * its unit. Freshness is still checked either way.
 */
const MILLISECONDS_FROM = 1e11;

function authSeconds(authDate: string): number {
  const value = Number(authDate);
  return value >= MILLISECONDS_FROM ? value / 1000 : value;
}

/**
 * The Mini App launch-data check that Telegram and MAX share: the secret is
 * HMAC-SHA256(key="WebAppData", msg=bot token), and `hash` is the hex HMAC-SHA256 under it of
 * every other field as `key=value` (values URL-decoded), sorted by key, joined with "\n".
 * MAX asks that every field appear once: a repeated one could be read differently by the
 * signer and by us, so it is refused. `auth_date` must be within `maxAgeSeconds` of now: the
 * checker's own, or a shorter one a call asks for (a call can narrow it, never widen it).
 */
export function launchDataChecker(deps: { botToken: string; maxAgeSeconds: number; clock: Clock }) {
  const secret = createHmac('sha256', 'WebAppData').update(deps.botToken).digest();
  return (initData: string, maxAgeSeconds = deps.maxAgeSeconds): LaunchDataCheck => {
    if (Buffer.byteLength(initData, 'utf8') > LAUNCH_DATA_MAX_BYTES) return refuse('too_large');
    const fields = parseFields(initData);
    if (!fields) return refuse('malformed');
    const hash = fields.get('hash');
    if (hash === undefined) return refuse('no_hash');
    fields.delete('hash');
    const expected = createHmac('sha256', secret).update(dataCheckString(fields)).digest();
    if (!HASH.test(hash) || !timingSafeEqual(Buffer.from(hash, 'hex'), expected)) return refuse('bad_hash');
    const authDate = fields.get('auth_date');
    if (authDate === undefined || !UNIX_TIME.test(authDate)) return refuse('malformed');
    const age = deps.clock.now().getTime() / 1000 - authSeconds(authDate);
    if (age > Math.min(maxAgeSeconds, deps.maxAgeSeconds)) return refuse('stale');
    if (age < -LAUNCH_DATA_FUTURE_SECONDS) return refuse('future');
    const user = launchUser(fields.get('user'));
    return user ? { ok: true, user } : refuse('no_user');
  };
}

export type LaunchDataChecker = ReturnType<typeof launchDataChecker>;

/** The string the messenger signs: every field but `hash`, `key=value`, sorted by key. */
export function dataCheckString(fields: ReadonlyMap<string, string>): string {
  return [...fields.keys()]
    .sort()
    .map((key) => `${key}=${fields.get(key)}`)
    .join('\n');
}

const refuse = (refusal: LaunchDataRefusal) => ({ ok: false as const, refusal });

/** The query string's fields, URL-decoded; null if a field repeats or the encoding is broken. */
function parseFields(initData: string): Map<string, string> | null {
  const fields = new Map<string, string>();
  for (const pair of initData.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === null || value === null || fields.has(key)) return null;
    fields.set(key, value);
  }
  return fields;
}

/** application/x-www-form-urlencoded: `+` is a space; a broken escape is no value at all. */
function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

function launchUser(json: string | undefined): LaunchUser | null {
  if (json === undefined) return null;
  let user: unknown;
  try {
    user = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof user !== 'object' || user === null) return null;
  const { id, language_code: languageCode } = user as { id?: unknown; language_code?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null;
  return { id, languageCode: typeof languageCode === 'string' ? languageCode : undefined };
}
