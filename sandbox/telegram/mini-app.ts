import { randomBytes } from 'node:crypto';
import { type LaunchOptions, signLaunchData } from '../mini-app/launch-data';
import { nowSeconds, type Person } from '../world';
import { personUser } from './render';

/**
 * The fragment Telegram opens a Mini App's URL with: `tgWebAppData` (the signed launch data),
 * the client's version, platform and theme, and `tgWebAppStartParam` as a `startapp` link gives.
 */
export function telegramLaunchFragment(token: string, person: Person, options: LaunchOptions): string {
  const { is_bot: _isBot, ...user } = personUser(person);
  const initData = signLaunchData(token, {
    auth_date: String(nowSeconds()),
    query_id: `AA${randomBytes(16).toString('base64url')}`,
    user: JSON.stringify({ ...user, allows_write_to_pm: true }),
    ...(options.startParam ? { start_param: options.startParam } : {}),
  });
  return new URLSearchParams({
    tgWebAppData: initData,
    tgWebAppVersion: '8.0',
    tgWebAppPlatform: 'weba',
    tgWebAppThemeParams: JSON.stringify(options.theme ?? {}),
    ...(options.startParam ? { tgWebAppStartParam: options.startParam } : {}),
  }).toString();
}
