/** The bot's languages: Russian first, English for people whose messenger speaks English. */
export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** The locale for a messenger's or browser's language code; anything but English reads Russian. */
export function localeFor(languageCode: string | null | undefined): Locale {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}
