import { createHash } from 'node:crypto';

/**
 * A stable 53-bit number for a key: the first 56 bits of its SHA-256, shifted to fit a
 * JavaScript number and a PostgreSQL bigint exactly. A redelivery repeats its key, so it gets
 * the same number; a new event has a new key.
 */
export function stableId(key: string): number {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 14);
  return Number(BigInt(`0x${hex}`) >> 3n);
}

/** The number a MAX message is known by in grammY, the Messenger port and the tables. */
export const messageAlias = (mid: string): number => stableId(`m:${mid}`);

/** The number a received image is known by as a Telegram `file_id` (its URL is kept for getFile). */
export const fileAlias = (url: string): number => stableId(`f:${url}`);
