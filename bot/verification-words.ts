import type { I18n } from '@grammyjs/i18n';
import type { Locale } from '../core/messaging/locale';
import { moscowTime } from '../core/messaging/moscow-time';
import type { VerificationAnswer } from '../core/verification/verification';
import type { FormContext } from './context';

export interface VerificationWords {
  confirmed: boolean;
  /** "Confirmed" or "Not confirmed". */
  headline: string;
  /** The scenario in words, when the QR could be read at all. */
  scenario: string | null;
  /** Why not, in plain words; null when confirmed. */
  reason: string | null;
  /** When it was checked, Moscow time. */
  checked: string;
}

/** A verification's outcome as people read it, the same on the /v/ page and in the bot. */
export function verificationWords(
  i18n: I18n<FormContext>,
  locale: Locale,
  answer: VerificationAnswer,
  checkedAt: Date,
): VerificationWords {
  const confirmed = answer.result === 'confirmed';
  return {
    confirmed,
    headline: i18n.t(locale, confirmed ? 'verify-confirmed' : 'verify-not-confirmed'),
    scenario: answer.scenario ? i18n.t(locale, `scenario-${answer.scenario}`) : null,
    reason: answer.reason ? i18n.t(locale, `verify-reason-${answer.reason}`) : null,
    checked: i18n.t(locale, 'verify-checked-at', { time: moscowTime(checkedAt, locale, 'long') }),
  };
}
