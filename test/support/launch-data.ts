import { createHmac } from 'node:crypto';

export interface LaunchDataFields {
  user?: { id: number; first_name?: string; language_code?: string };
  /** Unix seconds; now by default. */
  authDate?: number;
  extra?: Record<string, string>;
}

/**
 * Launch data as the messenger signs it for a Mini App (Telegram's `tgWebAppData`, MAX's
 * `WebAppData`): URL-encoded fields and a `hash` over them keyed by the bot token. Written from
 * the messengers' documentation, apart from the service's own check; the openssl-made fixture
 * (test/fixtures/launch-data.json) holds both to the same answer.
 */
export function signLaunchData(botToken: string, fields: LaunchDataFields = {}): string {
  const values: Record<string, string> = {
    auth_date: String(fields.authDate ?? Math.floor(Date.now() / 1000)),
    query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
    ...(fields.user ? { user: JSON.stringify(fields.user) } : {}),
    ...fields.extra,
  };
  const checked = Object.keys(values)
    .sort()
    .map((k) => `${k}=${values[k]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(checked).digest('hex');
  return new URLSearchParams({ ...values, hash }).toString();
}
