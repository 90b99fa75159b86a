import type { MaxClient } from './client';
import type { MaxBotInfo } from './types';

/**
 * One fact from `GET /me`, asked once, unless the caller knows it. A failed ask is not kept:
 * the next call asks again.
 */
function askedOnce<T>(client: MaxClient, read: (me: MaxBotInfo) => T, known?: T): () => Promise<T> {
  let value: Promise<T> | null = known === undefined ? null : Promise.resolve(known);
  return () => {
    value ??= client
      .call<MaxBotInfo>('GET', '/me')
      .then(read)
      .catch((err: unknown) => {
        value = null;
        throw err;
      });
    return value;
  };
}

/**
 * The bot's MAX user id, which keys the message store. A MAX token does not contain it (a
 * Telegram token does).
 */
export const botIdentity = (client: MaxClient, known?: number): (() => Promise<number>) =>
  askedOnce(client, (me) => me.user_id, known);
