import { DIALOG_OFFSET } from '../../sandbox/max/ids';
import type { MaxUpdate } from '../../sandbox/max/types';
import type { Person } from '../../sandbox/world';

/** A person's text in their dialog with the bot, shaped as MAX delivers it. */
export function maxTextUpdate(person: Person, botId: number, text: string): MaxUpdate {
  const now = Date.now();
  return {
    update_type: 'message_created',
    timestamp: now,
    user_locale: person.languageCode,
    message: {
      sender: {
        user_id: person.id,
        first_name: person.firstName,
        last_name: null,
        username: null,
        is_bot: false,
        last_activity_time: now,
      },
      recipient: { chat_id: person.id + DIALOG_OFFSET, chat_type: 'dialog', user_id: botId },
      timestamp: now,
      body: { mid: `mid.${now.toString(16).padStart(32, '0')}`, seq: 1, text, attachments: null },
    },
  };
}

/** Has the MAX sandbox send the bot this update as it is, whatever its type. */
export async function injectMaxUpdate(sandboxUrl: string, update: object): Promise<number> {
  const res = await fetch(`${sandboxUrl}/sandbox/api/max/updates`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  if (res.status !== 201) throw new Error(`the sandbox refused the update: ${await res.text()}`);
  return ((await res.json()) as { updateId: number }).updateId;
}
