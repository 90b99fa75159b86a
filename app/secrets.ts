import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config';

const DEV_KEY_FILE = '.data/dev-key-encryption-key';

/**
 * The master secret: KEY_ENCRYPTION_KEY, or in development one generated once and kept in
 * .data/ (git-ignored), so encrypted keys and hashed codes survive a restart. Tests get a
 * fresh one per process.
 */
export function resolveMasterKey(config: Config, logger: Logger): Buffer {
  if (config.keyEncryptionKey) return Buffer.from(config.keyEncryptionKey, 'base64');
  if (config.nodeEnv === 'test') return randomBytes(32);
  try {
    return Buffer.from(readFileSync(DEV_KEY_FILE, 'utf8').trim(), 'base64');
  } catch {
    const key = randomBytes(32);
    mkdirSync(dirname(DEV_KEY_FILE), { recursive: true });
    writeFileSync(DEV_KEY_FILE, key.toString('base64'), { mode: 0o600 });
    logger.warn(
      { file: DEV_KEY_FILE },
      'generated a development KEY_ENCRYPTION_KEY; set your own in production',
    );
    return key;
  }
}

/** Separate keys for separate uses, derived from the master secret. */
export function deriveKey(
  master: Buffer,
  purpose: 'otp-pepper' | 'phone-hash' | 'signing-key-encryption',
): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), purpose, 32));
}
