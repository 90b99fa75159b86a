import { UUID_SOURCE } from '../ids';

/** What one part of a button's data may be. */
const FIELDS = {
  uuid: UUID_SOURCE,
  /** A scenario, a page or a similar lower-case name. */
  name: '[a-z_-]+',
  int: '\\d+',
  /** Any id of someone else's making (an account id): anything up to the next separator. */
  word: '[^:]+',
} as const;

type CallbackField = keyof typeof FIELDS;

/** A messenger carries at most 64 bytes of callback data. */
const MAX_BYTES = 64;

export interface CallbackData<F extends readonly CallbackField[]> {
  /** The data a button carries. */
  build(...values: { [I in keyof F]: string | number }): string;
  /** Matches this button's data only; the values are groups 1, 2, ... (grammY's `ctx.match`). */
  readonly pattern: RegExp;
  /** The values of data this button built, or null for anything else. */
  parse(data: string): { [I in keyof F]: string } | null;
}

/**
 * One kind of button's callback data, written once: the same object builds the data where the
 * button is drawn and matches it where the press is handled, so the two cannot drift apart.
 * Data is never trusted: the values only say which object was meant, and every handler checks
 * that the person pressing may act on it.
 */
export function callbackData<const F extends readonly CallbackField[]>(
  prefix: string,
  ...fields: F
): CallbackData<F> {
  const pattern = new RegExp(`^${prefix}${fields.map((f) => `:(${FIELDS[f]})`).join('')}$`);
  return {
    pattern,
    build(...values) {
      const data = [prefix, ...values].join(':');
      if (!pattern.test(data) || Buffer.byteLength(data) > MAX_BYTES) {
        throw new Error(`callback data for ${prefix} does not fit its own pattern`);
      }
      return data;
    },
    parse(data) {
      const match = pattern.exec(data);
      return match ? (match.slice(1) as { [I in keyof F]: string }) : null;
    },
  };
}
