import { describe, expect, it } from 'vitest';
import { parseMaxJson } from '../../../bot/platform/max/client';
import { toTelegramUpdate } from '../../../bot/platform/max/to-telegram';
import type { MaxAnyUpdate } from '../../../bot/platform/max/types';

describe('reading MAX JSON', () => {
  it('keeps a marker beyond 2^53 exactly, as text', () => {
    const body = '{"updates":[],"marker":9007199254740993}';
    expect(parseMaxJson(body)).toEqual({ updates: [], marker: '9007199254740993' });
  });

  it('keeps a null marker null', () => {
    expect(parseMaxJson('{"updates":[],"marker":null}')).toEqual({ updates: [], marker: null });
  });

  it('never reads an id beyond 2^53 wrong: that one update is skipped, the rest of the batch read', () => {
    const body =
      '{"updates":[' +
      '{"update_type":"bot_started","timestamp":1,"chat_id":5,"user":{"user_id":9007199254740993,"first_name":"А","is_bot":false}},' +
      '{"update_type":"bot_started","timestamp":2,"chat_id":6,"user":{"user_id":7,"first_name":"Б","is_bot":false}}' +
      '],"marker":3}';
    const { updates } = parseMaxJson(body) as { updates: MaxAnyUpdate[] };
    const read = updates.map((u) => toTelegramUpdate(u, 1)?.message?.from?.id ?? null);
    expect(read).toEqual([null, 7]);
  });
});
