import { randomUUID } from 'node:crypto';
import { type LaunchOptions, signLaunchData } from '../mini-app/launch-data';
import { nowSeconds, type Person, type World } from '../world';
import { maxChatId } from './ids';

/**
 * The fragment MAX opens a Mini App with: `WebAppData` (the signed launch data, naming the
 * person, their dialog with the bot and the button's payload as `start_param`), the platform
 * and the client's version. MAX passes no theme.
 */
export function maxLaunchFragment(
  token: string,
  world: World,
  person: Person,
  options: LaunchOptions,
): string {
  const user = {
    id: person.id,
    first_name: person.firstName,
    last_name: person.lastName ?? '',
    username: person.username ?? null,
    language_code: person.languageCode,
  };
  const initData = signLaunchData(token, {
    auth_date: String(nowSeconds()),
    query_id: randomUUID(),
    user: JSON.stringify(user),
    chat: JSON.stringify({ id: maxChatId(world.chatOf(person.id)), type: 'DIALOG' }),
    ...(options.startParam ? { start_param: options.startParam } : {}),
  });
  return new URLSearchParams({
    WebAppData: initData,
    WebAppPlatform: 'web',
    WebAppVersion: '25.9.0',
  }).toString();
}
