import { describe, expect, it } from 'vitest';
import { callbackData } from '../../core/messaging/callback-data';
import { TC_DATA } from '../../core/trusted-contact/callback-data';

const ID = '0b6d3c1e-8f2a-4c5b-9d7e-1a2b3c4d5e6f';

describe('callback data', () => {
  it('matches exactly the data it built, and gives back its values', () => {
    const page = callbackData('adm:audit', 'word', 'int');
    const data = page.build('acc-17', 20);
    expect(data).toBe('adm:audit:acc-17:20');
    expect(page.parse(data)).toEqual(['acc-17', '20']);
    expect(page.pattern.exec(data)?.slice(1)).toEqual(['acc-17', '20']);
  });

  it('refuses data of another button, a longer prefix or a malformed id', () => {
    expect(TC_DATA.approve.parse(TC_DATA.deny.build(ID))).toBeNull();
    expect(TC_DATA.end.parse(`tc:end:${ID}:extra`)).toBeNull();
    expect(TC_DATA.end.parse('tc:end:not-an-id')).toBeNull();
    expect(TC_DATA.end.parse(`xtc:end:${ID}`)).toBeNull();
  });

  it('will not build data its own pattern would not match, or over the 64 bytes a messenger carries', () => {
    expect(() => TC_DATA.end.build('not-an-id')).toThrow(/does not fit/);
    expect(() => callbackData('p', 'word').build('a:b')).toThrow(/does not fit/);
    expect(() => callbackData('p', 'word').build('x'.repeat(70))).toThrow(/does not fit/);
  });
});
