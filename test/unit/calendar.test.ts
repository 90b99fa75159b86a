import { describe, expect, it } from 'vitest';
import { STATUS_KINDS } from '../../core/identity/account';
import { addYears, ageOn, isIsoDate, isValidOn, moscowDate } from '../../core/identity/calendar';
import { maskPhone } from '../../core/identity/phone';
import { demoRegistry } from '../../db/registry/demo-registry';

describe('the Moscow calendar', () => {
  it('turns an instant into the Moscow date (UTC+3)', () => {
    expect(moscowDate(new Date('2026-11-22T20:59:59Z'))).toBe('2026-11-22');
    expect(moscowDate(new Date('2026-11-22T21:00:00Z'))).toBe('2026-11-23');
  });

  it('makes a person 18 on their 18th birthday, not a day before', () => {
    expect(ageOn('2008-11-23', '2026-11-22')).toBe(17);
    expect(ageOn('2008-11-23', '2026-11-23')).toBe(18);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
  });

  it('treats validUntil as the last valid day, inclusive', () => {
    expect(isValidOn('2026-11-22', '2026-11-22')).toBe(true);
    expect(isValidOn('2026-11-22', '2026-11-23')).toBe(false);
    expect(isValidOn(null, '2099-01-01')).toBe(true);
  });

  it('accepts only real dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-2-01')).toBe(false);
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
  });

  it('masks all but the last four digits of a phone', () => {
    expect(maskPhone('+79991234567')).toBe('+*******4567');
  });
});

describe('the demo registry', () => {
  it('holds the varied people the README promises, whatever the date', () => {
    for (const today of ['2026-11-22', '2031-02-28', '2040-03-01']) {
      const people = demoRegistry(today);
      expect(people.map((p) => ageOn(p.birthDate, today))).toEqual(
        expect.arrayContaining([13, 15, 17, 18, 30, 70]),
      );
      expect(people.some((p) => !p.biometrics)).toBe(true);
      expect(people.some((p) => !p.confirmed)).toBe(true);
      const kinds = new Set(people.flatMap((p) => p.statuses.map((s) => s.kind)));
      expect([...kinds].sort()).toEqual([...STATUS_KINDS].sort());
      const expired = people.flatMap((p) => p.statuses).filter((s) => !isValidOn(s.validUntil, today));
      expect(expired.map((s) => s.kind)).toEqual(['student']);
    }
  });
});
