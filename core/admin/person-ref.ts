import { normalizeRussianPhone } from '../identity/phone';

/** How an admin names a person: a phone, @username, a messenger user id or a registry account id. */
export type PersonRef =
  | { kind: 'phone'; phone: string }
  | { kind: 'username'; username: string }
  /** Digits: a messenger user id, or a numeric registry account id; both are looked up. */
  | { kind: 'number'; value: string }
  | { kind: 'account'; id: string };

export function parsePersonRef(input: string): PersonRef | null {
  const text = input.trim();
  if (text.length === 0 || text.length > 128) return null;
  if (/^@[A-Za-z0-9_]{3,64}$/.test(text)) return { kind: 'username', username: text.slice(1) };
  // A phone is written with digits only (and +, spaces, dashes, brackets): "+7 999…", "8 (999)…".
  const phoneShaped =
    /^[\d\s()+-]+$/.test(text) && (/^\+/.test(text) || /[\s()-]/.test(text) || /^[78]\d{10}$/.test(text));
  if (phoneShaped) {
    const phone = normalizeRussianPhone(text);
    return phone ? { kind: 'phone', phone } : null;
  }
  if (/^\d{1,20}$/.test(text)) return { kind: 'number', value: text };
  return /^[\w.:-]+$/.test(text) ? { kind: 'account', id: text } : null;
}
