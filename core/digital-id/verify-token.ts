import type { Ed25519 } from './ed25519';
import type { Scenario } from './scenarios';
import { type DecodedToken, decodeText, signingInput } from './token-format';

/** The closed set of reasons, in the order they are checked (PRODUCT.md §2). */
export const REASONS = [
  'not_digital_id',
  'malformed',
  'unknown_key',
  'bad_signature',
  'not_yet_valid',
  'expired',
  'wrong_scenario',
  'revoked',
  'replayed',
] as const;
export type Reason = (typeof REASONS)[number];

export type Verification =
  | { result: 'confirmed'; token: DecodedToken }
  | { result: 'not_confirmed'; reason: Reason; token?: DecodedToken };

export interface VerifyDeps {
  ed25519: Ed25519;
  /** A published (active or retired) key's 32 public bytes, or null. */
  publicKey(kid: number): Uint8Array | null | Promise<Uint8Array | null>;
  skewSeconds: number;
}

/**
 * Reads what a QR holds: an absolute URL whose path ends in /v/<token> is that token, whatever
 * its host (the signature decides); any other absolute URL is not a Digital ID; anything else
 * is the token text itself.
 */
export function tokenTextOf(input: string): { ok: true; text: string } | { ok: false; reason: Reason } {
  const trimmed = input.trim();
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed)) return { ok: true, text: trimmed };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, reason: 'not_digital_id' };
  }
  const match = /\/v\/([^/]*)$/.exec(url.pathname);
  // Taken as it stands: base64url needs no escaping, so anything escaped is simply malformed.
  return match ? { ok: true, text: match[1] as string } : { ok: false, reason: 'not_digital_id' };
}

/**
 * Everything a verifier can judge without the service's session state: format, key,
 * signature, time window and scenario. Online verification adds `revoked` and `replayed`.
 * `expected` null takes the token's own scenario (a page that shows what a QR confirms).
 */
export async function verifyOffline(
  input: string,
  expected: Scenario | null,
  nowSeconds: number,
  deps: VerifyDeps,
): Promise<Verification> {
  const read = tokenTextOf(input);
  if (!read.ok) return { result: 'not_confirmed', reason: read.reason };
  const token = decodeText(read.text);
  if (!token) return { result: 'not_confirmed', reason: 'malformed' };
  const publicKey = await deps.publicKey(token.fields.kid);
  if (!publicKey) return { result: 'not_confirmed', reason: 'unknown_key', token };
  if (!deps.ed25519.verify(publicKey, signingInput(token.header), token.signature)) {
    return { result: 'not_confirmed', reason: 'bad_signature', token };
  }
  const { iat, ttl, scenario } = token.fields;
  if (nowSeconds < iat - deps.skewSeconds) return { result: 'not_confirmed', reason: 'not_yet_valid', token };
  if (nowSeconds >= iat + ttl + deps.skewSeconds)
    return { result: 'not_confirmed', reason: 'expired', token };
  if (expected !== null && scenario !== expected)
    return { result: 'not_confirmed', reason: 'wrong_scenario', token };
  return { result: 'confirmed', token };
}
