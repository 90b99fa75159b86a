import type { MaxClient } from './client';
import type { MaxBotInfo } from './types';

/**
 * The bot's MAX user id, which keys the message store. A MAX token does not contain it (a
 * Telegram token does), so it is asked for once with `GET /me`, unless the caller knows it.
 * A failed ask is not kept: the next call asks again.
 */
export function botIdentity(client: MaxClient, known?: number): () => Promise<number> {
  let id: Promise<number> | null = known === undefined ? null : Promise.resolve(known);
  return () => {
    id ??= client.call<MaxBotInfo>('GET', '/me').then(
      (me) => me.user_id,
      (err: unknown) => {
        id = null;
        throw err;
      },
    );
    return id;
  };
}
