import { describe, expect, it } from 'vitest';
import { messageAlias } from '../../../bot/platform/max/ids';
import type { MaxMessage, MaxUpdate, MaxUser } from '../../../bot/platform/max/types';
import { updateId } from '../../../bot/platform/max/update-id';

const anna: MaxUser = { user_id: 501, first_name: 'Анна', is_bot: false };
const message = (mid: string): MaxMessage => ({
  sender: anna,
  recipient: { chat_id: 1_000_000_000_501, chat_type: 'dialog', user_id: 9 },
  timestamp: 1_790_000_000_000,
  body: { mid, seq: 1, text: 'привет' },
});
const press = (timestamp: number): MaxUpdate => ({
  update_type: 'message_callback',
  timestamp,
  message: message('mid.a'),
  callback: { timestamp, callback_id: 'kb-1', payload: 'menu:open', user: anna },
});

describe('MAX update ids', () => {
  it('a redelivered update (the same JSON sent again) is known by the same id', () => {
    const first = press(1_790_000_000_100);
    const again = JSON.parse(JSON.stringify(first)) as MaxUpdate;
    expect(updateId(again)).toBe(updateId(first));
    const said: MaxUpdate = { update_type: 'message_created', timestamp: 1, message: message('mid.x') };
    expect(updateId({ ...said, timestamp: 2 })).toBe(updateId(said));
  });

  it('two presses on one keyboard (one callback_id) at different times are two updates', () => {
    expect(updateId(press(1_790_000_000_100))).not.toBe(updateId(press(1_790_000_000_900)));
  });

  it('distinct messages, starts and stops get distinct ids that fit a JavaScript number exactly', () => {
    const started: MaxUpdate = { update_type: 'bot_started', timestamp: 5, chat_id: 7, user: anna };
    const stopped: MaxUpdate = { update_type: 'bot_stopped', timestamp: 5, chat_id: 7, user: anna };
    const ids = [
      updateId({ update_type: 'message_created', timestamp: 1, message: message('mid.1') }),
      updateId({ update_type: 'message_created', timestamp: 1, message: message('mid.2') }),
      updateId(started),
      updateId({ ...started, timestamp: 6 }),
      updateId(stopped),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Number.isSafeInteger(id) && id >= 0).toBe(true);
  });

  it('a message alias is the same for the same mid, so a press finds the message the bot sent', () => {
    expect(messageAlias('mid.abc')).toBe(messageAlias('mid.abc'));
    expect(messageAlias('mid.abc')).not.toBe(messageAlias('mid.abd'));
    expect(Number.isSafeInteger(messageAlias('mid.abc'))).toBe(true);
  });
});
