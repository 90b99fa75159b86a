import { createHmac } from 'node:crypto';

/**
 * The messenger's side of the Mini App launch data (PRODUCT.md §8): the fields URL-encoded, and
 * `hash` = hex HMAC-SHA256 of every other field as `key=value`, sorted by key and joined with
 * "\n", under the key HMAC-SHA256(key="WebAppData", msg=bot token). Telegram and MAX sign alike.
 * Written from their documentation, apart from the service's check (core/mini-app), which a test
 * holds to accept it.
 */
export function signLaunchData(botToken: string, fields: Record<string, string>): string {
  const checked = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(checked).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

/** What the person's client adds when it opens a Mini App: a payload and, on Telegram, colours. */
export interface LaunchOptions {
  /** The `open_app` button's payload or a `startapp` link's: `start_param` in the launch data. */
  startParam?: string | undefined;
  /** The client's colours (Telegram's `themeParams`), `#rrggbb` by name. */
  theme?: Record<string, string> | undefined;
}
