/**
 * A name a person types for others to read (a trusted contact's name, a verifier's name): one
 * printable line, spaces collapsed. Returns the cleaned name, or why it cannot be used.
 */
export function cleanDisplayName(
  input: string,
  maxLength = 64,
): { ok: true; name: string } | { ok: false; problem: 'empty' | 'too_long' | 'control_characters' } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(input.trim()))
    return { ok: false, problem: 'control_characters' };
  const name = input.trim().replace(/\s+/g, ' ');
  if (name.length === 0) return { ok: false, problem: 'empty' };
  if ([...name].length > maxLength) return { ok: false, problem: 'too_long' };
  return { ok: true, name };
}
