import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer …` header, or null. */
export const bearerToken = (header: string | undefined): string | null =>
  /^Bearer (\S+)$/.exec(header ?? '')?.[1] ?? null;

/**
 * An operator's token: Basic (any user name, the token as password, so a browser asks for it)
 * or Bearer.
 */
export function operatorToken(header: string | undefined): string | null {
  const bearer = bearerToken(header);
  if (bearer) return bearer;
  const basic = /^Basic (\S+)$/.exec(header ?? '')?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** Compared in constant time, so the answer's timing does not spell the secret out. */
export function sameSecret(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The launch data of an `Authorization: tma <initData>` header (a Mini App's), or null. */
export const launchData = (header: string | undefined): string | null =>
  /^tma (\S+)$/.exec(header ?? '')?.[1] ?? null;
