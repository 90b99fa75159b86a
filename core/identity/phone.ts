/** Russian mobile numbers are stored as +7XXXXXXXXXX. */
export const E164_RU = /^\+7\d{10}$/;

/** For logs and screens: only the last four digits stay readable. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  return `+${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}
