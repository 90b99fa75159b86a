import { signLaunchData as signFields } from '../../sandbox/mini-app/launch-data';

export interface LaunchDataFields {
  user?: { id: number; first_name?: string; language_code?: string };
  /** Unix seconds; now by default. */
  authDate?: number;
  extra?: Record<string, string>;
}

/**
 * Launch data as the messenger signs it for a Mini App (Telegram's `tgWebAppData`, MAX's
 * `WebAppData`), by the sandbox's signer, which plays the messenger: written from the
 * messengers' documentation, apart from the service's own check; the openssl-made fixture
 * (test/fixtures/launch-data.json) holds both to the same answer.
 */
export function signLaunchData(botToken: string, fields: LaunchDataFields = {}): string {
  return signFields(botToken, {
    auth_date: String(fields.authDate ?? Math.floor(Date.now() / 1000)),
    query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
    ...(fields.user ? { user: JSON.stringify(fields.user) } : {}),
    ...fields.extra,
  });
}
