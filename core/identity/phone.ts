/** Russian mobile numbers are stored as +7XXXXXXXXXX. */
export const E164_RU = /^\+7\d{10}$/;

/** For logs and screens: only the last four digits stay readable. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/**
 * Reads a Russian mobile number in any common form (+7 999 000-00-01, 8 (999) 000 00 01,
 * 79990000001, 9990000001) as +7XXXXXXXXXX; anything else is null.
 */
export function normalizeRussianPhone(input: string): string | null {
  if (!/^[\d\s()+-]{10,20}$/.test(input.trim())) return null;
  const digits = input.replace(/\D/g, '');
  const national =
    digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8'))
      ? digits.slice(1)
      : digits.length === 10
        ? digits
        : null;
  return national?.startsWith('9') ? `+7${national}` : null;
}
