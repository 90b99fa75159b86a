import type { SigningKey } from './issue-token';

export interface PublishedKey {
  kid: number;
  alg: 'Ed25519';
  /** base64url of the 32 public bytes. */
  publicKey: string;
  status: 'active' | 'retired';
}

/** Where signing keys come from: the active one to sign, the published ones to verify. */
export interface Keyring {
  signingKey(): Promise<SigningKey>;
  publicKey(kid: number): Promise<Uint8Array | null>;
  published(): Promise<PublishedKey[]>;
}
