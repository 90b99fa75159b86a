import type { Locale } from './locale';

/**
 * Every time a person reads is Moscow time (PRODUCT.md §5), in their language's conventions.
 * `time` is hours and minutes, `seconds` adds seconds, `short` is a short date and time,
 * `long` a spelled-out date with seconds.
 */
type MoscowStyle = 'time' | 'seconds' | 'short' | 'long';

const OPTIONS: Record<MoscowStyle, Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit' },
  seconds: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  short: { dateStyle: 'short', timeStyle: 'short' },
  long: { dateStyle: 'long', timeStyle: 'medium' },
};

const TAGS: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

// Building a formatter costs far more than using one, and a QR refresh formats twice.
const cache = new Map<string, Intl.DateTimeFormat>();

export function moscowTime(at: Date, locale: Locale, style: MoscowStyle): string {
  const key = `${locale}:${style}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(TAGS[locale], { timeZone: 'Europe/Moscow', ...OPTIONS[style] });
    cache.set(key, format);
  }
  return format.format(at);
}
