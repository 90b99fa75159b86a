import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import { localeFor } from '../core/messaging/locale';
import type { FormContext } from './context';

export function createI18n(): I18n<FormContext> {
  return new I18n<FormContext>({
    defaultLocale: 'ru',
    directory: fileURLToPath(new URL('./locales', import.meta.url)),
    // Fluent wraps placeables in Unicode isolation marks by default; messengers show them as junk.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeFor(ctx.from?.language_code),
  });
}
