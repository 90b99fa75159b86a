import type { I18n } from '@grammyjs/i18n';
import { localeFor } from '../../core/messaging/locale';
import type { NoticeRenderer } from '../../core/messaging/notice';
import type { FormContext } from '../context';

/** A notice's text and buttons in the person's language, from the locale files. */
export function noticeRenderer(i18n: I18n<FormContext>): NoticeRenderer {
  return (notice, languageCode) => {
    const locale = localeFor(languageCode);
    const buttons = notice.buttons?.map((row) =>
      row.map((b) => ({ text: i18n.t(locale, b.text), callbackData: b.data })),
    );
    return { text: i18n.t(locale, notice.text, notice.vars), ...(buttons ? { buttons } : {}) };
  };
}
