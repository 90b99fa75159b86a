import { describe, expect, it } from 'vitest';
import { LAUNCH_DATA_MAX_BYTES, launchDataChecker } from '../../core/mini-app/launch-data';
import vector from '../fixtures/launch-data.json';
import { TestClock } from '../support/clock';
import { signLaunchData } from '../support/launch-data';

const DAY = 86_400;

function checkerAt(unixSeconds: number, botToken = vector.botToken) {
  const clock = new TestClock();
  clock.set(unixSeconds);
  return launchDataChecker({ botToken, maxAgeSeconds: DAY, clock });
}

const person = { id: 5_000_001, first_name: 'Анна', language_code: 'en' };

describe('Mini App launch data', () => {
  it('accepts the openssl-signed reference and names its person', () => {
    expect(checkerAt(vector.authDate + 10)(vector.initData)).toEqual({
      ok: true,
      user: { id: vector.userId, languageCode: 'ru' },
    });
  });

  it('signs in the tests exactly as the reference was signed', () => {
    const fields = new URLSearchParams(vector.initData);
    const resigned = new URLSearchParams(
      signLaunchData(vector.botToken, {
        authDate: vector.authDate,
        user: JSON.parse(fields.get('user') ?? ''),
        extra: { chat: fields.get('chat') ?? '', start_param: 'scan' },
      }),
    );
    expect(resigned.get('hash')).toBe(vector.hash);
  });

  it('accepts data signed with the token, at the edges of its freshness', () => {
    const signed = signLaunchData(vector.botToken, { user: person, authDate: 1_800_000_000 });
    // The test clock runs on from where it is set: a second inside each edge.
    expect(checkerAt(1_800_000_000 + DAY - 1)(signed)).toMatchObject({ ok: true, user: { id: person.id } });
    expect(checkerAt(1_800_000_000 - 59)(signed)).toMatchObject({ ok: true });
  });

  it('refuses tampered data, data signed with another token, stale and future data', () => {
    const at = 1_800_000_000;
    const check = checkerAt(at);
    const tampered = vector.initData.replace('279058397', '279058398');
    expect(checkerAt(vector.authDate)(tampered)).toEqual({ ok: false, refusal: 'bad_hash' });
    const otherToken = signLaunchData('7099999999:AAF-someone-elses-bot', { user: person, authDate: at });
    expect(check(otherToken)).toEqual({ ok: false, refusal: 'bad_hash' });
    const stale = signLaunchData(vector.botToken, { user: person, authDate: at - DAY - 1 });
    expect(check(stale)).toEqual({ ok: false, refusal: 'stale' });
    const future = signLaunchData(vector.botToken, { user: person, authDate: at + 61 });
    expect(check(future)).toEqual({ ok: false, refusal: 'future' });
  });

  it('refuses data older than a shorter limit a call asks for, and lets no call widen the limit', () => {
    const at = 1_800_000_000;
    const check = checkerAt(at);
    const HOUR = 3600;
    const twoHoursOld = signLaunchData(vector.botToken, { user: person, authDate: at - 2 * HOUR });
    expect(check(twoHoursOld)).toMatchObject({ ok: true, user: { id: person.id } });
    expect(check(twoHoursOld, HOUR)).toEqual({ ok: false, refusal: 'stale' });
    const withinTheHour = signLaunchData(vector.botToken, { user: person, authDate: at - HOUR + 1 });
    expect(check(withinTheHour, HOUR)).toMatchObject({ ok: true, user: { id: person.id } });
    const overADay = signLaunchData(vector.botToken, { user: person, authDate: at - DAY - 1 });
    expect(check(overADay, 2 * DAY)).toEqual({ ok: false, refusal: 'stale' });
  });

  it('judges an auth_date in milliseconds, as MAX may send it, by its real age', () => {
    const at = 1_800_000_000;
    const check = checkerAt(at);
    const fresh = signLaunchData(vector.botToken, { user: person, authDate: (at - 5) * 1000 });
    expect(check(fresh)).toMatchObject({ ok: true, user: { id: person.id } });
    const stale = signLaunchData(vector.botToken, { user: person, authDate: (at - DAY - 1) * 1000 });
    expect(check(stale)).toEqual({ ok: false, refusal: 'stale' });
    const future = signLaunchData(vector.botToken, { user: person, authDate: (at + 61) * 1000 });
    expect(check(future)).toEqual({ ok: false, refusal: 'future' });
  });

  it('refuses data without a hash, with a repeated field, without a person, or over 4 KB', () => {
    const check = checkerAt(vector.authDate);
    const withoutHash = vector.initData.replace(/&hash=[0-9a-f]+$/, '');
    expect(check(withoutHash)).toEqual({ ok: false, refusal: 'no_hash' });
    expect(check(`${vector.initData}&auth_date=1700000000`)).toEqual({ ok: false, refusal: 'malformed' });
    expect(check('%E0%A4%A')).toEqual({ ok: false, refusal: 'malformed' });
    const nobody = signLaunchData(vector.botToken, { authDate: vector.authDate });
    expect(check(nobody)).toEqual({ ok: false, refusal: 'no_user' });
    const padded = signLaunchData(vector.botToken, {
      user: person,
      authDate: vector.authDate,
      extra: { start_param: 'x'.repeat(LAUNCH_DATA_MAX_BYTES) },
    });
    expect(check(padded)).toEqual({ ok: false, refusal: 'too_large' });
  });
});
