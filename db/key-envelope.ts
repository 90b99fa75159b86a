import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals a signing key's seed with AES-256-GCM. The kid is authenticated with it, so a sealed
 * seed copied onto another key's row does not open.
 */
export function sealSeed(key: Buffer, kid: number, seed: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`signing-key:${kid}`));
  const body = Buffer.concat([cipher.update(seed), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function openSeed(key: Buffer, kid: number, sealed: string): Uint8Array {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(`signing-key:${kid}`));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]));
  } catch {
    throw new Error(`cannot open signing key ${kid}: KEY_ENCRYPTION_KEY is not the key it was sealed with`);
  }
}
