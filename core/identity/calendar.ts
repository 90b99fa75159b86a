/**
 * Ages and end dates are judged on the calendar date in Europe/Moscow (PRODUCT.md §5).
 * Moscow has kept UTC+3 all year since 2014, so a fixed offset is exact and avoids
 * depending on the runtime's time-zone database.
 */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000;

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function moscowDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + MOSCOW_OFFSET_MS).toISOString().slice(0, 10);
}

/** True when `value` is a real calendar date written as YYYY-MM-DD (2023-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Full years between a birth date and a day; a person turns N on their Nth birthday. */
export function ageOn(birthDate: IsoDate, day: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [dy, dm, dd] = day.split('-').map(Number) as [number, number, number];
  const hadBirthday = dm > bm || (dm === bm && dd >= bd);
  return dy - by - (hadBirthday ? 0 : 1);
}

/** Adds whole years, clamping 29 February to 28 February in common years. */
export function addYears(day: IsoDate, years: number): IsoDate {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

export function addDays(day: IsoDate, days: number): IsoDate {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** `validUntil` is the last valid day, inclusive; no end date means valid indefinitely. */
export function isValidOn(validUntil: IsoDate | null | undefined, day: IsoDate): boolean {
  return validUntil == null || day <= validUntil;
}
