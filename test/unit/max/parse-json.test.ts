import { describe, expect, it } from 'vitest';
import { parseMaxJson } from '../../../bot/platform/max/client';

describe('reading MAX JSON', () => {
  it('keeps a marker beyond 2^53 exactly, as text', () => {
    const body = '{"updates":[],"marker":9007199254740993}';
    expect(parseMaxJson(body)).toEqual({ updates: [], marker: '9007199254740993' });
    expect(String(JSON.parse(body).marker)).not.toBe('9007199254740993');
  });

  it('keeps a null marker null, and refuses an id it could not keep exactly', () => {
    expect(parseMaxJson('{"updates":[],"marker":null}')).toEqual({ updates: [], marker: null });
    expect(() => parseMaxJson('{"user":{"user_id":9007199254740993}}')).toThrow(/beyond/);
  });
});
