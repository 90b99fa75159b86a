import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { FormContext } from './context';

export const LOCALES = ['ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Russian first: English only for people whose messenger speaks English. */
export function localeFor(languageCode: string | null | undefined): Locale {
  return languageCode?.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

export function createI18n(): I18n<FormContext> {
  return new I18n<FormContext>({
    defaultLocale: 'ru',
    directory: fileURLToPath(new URL('./locales', import.meta.url)),
    // Fluent wraps placeables in Unicode isolation marks by default; messengers show them as junk.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeFor(ctx.from?.language_code),
  });
}
