import type { Ed25519 } from './ed25519';
import { assembleToken, encodeHeader, signingInput, type TokenFields, toText } from './token-format';

export interface SigningKey {
  kid: number;
  /** The 32-byte Ed25519 seed. */
  seed: Uint8Array;
}

/** Signs one token and returns its text form, as it goes into the QR's URL. */
export function issueToken(ed25519: Ed25519, key: SigningKey, fields: Omit<TokenFields, 'kid'>): string {
  const header = encodeHeader({ ...fields, kid: key.kid });
  return toText(assembleToken(header, ed25519.sign(key.seed, signingInput(header))));
}

export function verifierUrl(publicUrl: string, tokenText: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/v/${tokenText}`;
}
