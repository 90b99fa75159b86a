import { createHmac, randomInt } from 'node:crypto';
import { OTP_POLICY } from './otp-policy';

/** A code from the CSPRNG, uniformly distributed over all six-digit strings. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** OTP_POLICY.digits)).padStart(OTP_POLICY.digits, '0');
}

/**
 * Codes are stored as HMACs under a server secret and bound to their challenge: a million
 * possible codes would fall to a plain hash at once, and a hash from one challenge is
 * useless for another.
 */
export function hashCode(pepper: Buffer, challengeId: string, code: string): string {
  return createHmac('sha256', pepper).update(`${challengeId}:${code}`).digest('hex');
}

/**
 * The codes' and SMS counters' record of a number: a keyed hash finds the same number's rows
 * (for the limits, and to erase them at unlinking) without the table holding the number. Keyed,
 * because Russian mobile numbers are few enough to hash them all.
 */
export function hashPhone(key: Buffer, phone: string): string {
  return createHmac('sha256', key).update(phone).digest('hex');
}
