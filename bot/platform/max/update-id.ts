import { stableId } from './ids';
import type { MaxUpdate } from './types';

/**
 * The key an update is known by: MAX updates carry no id, so it is built from what a
 * redelivery repeats and a new event never does (docs/max-adapter-design.md §4). A press is its
 * `callback_id` and its own time, since one keyboard's presses may share the `callback_id`.
 */
export function updateKey(update: MaxUpdate): string {
  switch (update.update_type) {
    case 'message_created':
      return `m:${update.message.body.mid}`;
    case 'message_callback':
      return `c:${update.callback.callback_id}:${update.callback.timestamp}`;
    case 'bot_started':
      return `s:${update.chat_id}:${update.user.user_id}:${update.timestamp}`;
    case 'bot_stopped':
      return `x:${update.chat_id}:${update.user.user_id}:${update.timestamp}`;
  }
}

/** The Telegram-style `update_id` the inbox dedupes by: a 53-bit hash of the update's key. */
export const updateId = (update: MaxUpdate): number => stableId(updateKey(update));
