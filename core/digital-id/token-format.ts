import { SCENARIO_CODES, type Scenario, scenarioOfCode } from './scenarios';

/** Token format v1 (docs/token-format.md): a 30-byte header and an Ed25519 signature. */
export const TOKEN_VERSION = 1;
export const HEADER_BYTES = 30;
export const SIGNATURE_BYTES = 64;
export const TOKEN_BYTES = HEADER_BYTES + SIGNATURE_BYTES;
export const SID_BYTES = 16;
/** seq is a uint16: the last QR of a session may have this seq, and none after it. */
export const MAX_SEQ = 0xffff;
const DOMAIN = new TextEncoder().encode('digital-id/v1');
const TEXT_FORM = /^[A-Za-z0-9_-]+$/;

export interface TokenFields {
  scenario: Scenario;
  kid: number;
  /** Issued at, unix seconds. */
  iat: number;
  /** Seconds; the token expires at iat + ttl. */
  ttl: number;
  /** 16 random bytes, the same for every QR of one session. */
  sid: Uint8Array;
  /** The refresh counter within the session. */
  seq: number;
}

export interface DecodedToken {
  fields: TokenFields;
  header: Uint8Array;
  signature: Uint8Array;
}

export function encodeHeader(f: TokenFields): Uint8Array {
  if (f.sid.length !== SID_BYTES) throw new RangeError('sid must be 16 bytes');
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint8(0, TOKEN_VERSION);
  view.setUint8(1, SCENARIO_CODES[f.scenario]);
  view.setUint32(2, f.kid);
  view.setUint32(6, f.iat);
  view.setUint16(10, f.ttl);
  header.set(f.sid, 12);
  // setUint16 would wrap, and a wrapped seq repeats one a checkout may have confirmed.
  if (!Number.isInteger(f.seq) || f.seq < 0 || f.seq > MAX_SEQ)
    throw new RangeError(`seq ${f.seq} is not 0..${MAX_SEQ}`);
  view.setUint16(28, f.seq);
  return header;
}

/** What is signed: the ASCII domain label, then the header, so a signature means nothing elsewhere. */
export function signingInput(header: Uint8Array): Uint8Array {
  const message = new Uint8Array(DOMAIN.length + header.length);
  message.set(DOMAIN);
  message.set(header, DOMAIN.length);
  return message;
}

export function assembleToken(header: Uint8Array, signature: Uint8Array): Uint8Array {
  const token = new Uint8Array(TOKEN_BYTES);
  token.set(header);
  token.set(signature, HEADER_BYTES);
  return token;
}

export function toText(token: Uint8Array): string {
  return Buffer.from(token).toString('base64url');
}

/**
 * Reads the text form: canonical base64url without padding of exactly 94 bytes, a known
 * version and scenario. Anything else is null (the reason `malformed`).
 */
export function decodeText(text: string): DecodedToken | null {
  if (text.length === 0 || text.length > 200 || !TEXT_FORM.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  // Node's decoder forgives; a token has exactly one spelling.
  if (bytes.length !== TOKEN_BYTES || bytes.toString('base64url') !== text) return null;
  return decodeBytes(new Uint8Array(bytes));
}

export function decodeBytes(bytes: Uint8Array): DecodedToken | null {
  if (bytes.length !== TOKEN_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== TOKEN_VERSION) return null;
  const scenario = scenarioOfCode(view.getUint8(1));
  if (!scenario) return null;
  return {
    fields: {
      scenario,
      kid: view.getUint32(2),
      iat: view.getUint32(6),
      ttl: view.getUint16(10),
      sid: bytes.slice(12, 28),
      seq: view.getUint16(28),
    },
    header: bytes.slice(0, HEADER_BYTES),
    signature: bytes.slice(HEADER_BYTES),
  };
}
