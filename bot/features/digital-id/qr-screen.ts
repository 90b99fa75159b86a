import type { I18n } from '@grammyjs/i18n';
import type { QrFrame } from '../../../core/digital-id/digital-id-service';
import type { DigitalIdScreen } from '../../../core/digital-id/screen';
import type { DigitalIdSession } from '../../../core/digital-id/session';
import { localeFor } from '../../../core/messaging/locale';
import type { Messenger, PhotoMessage } from '../../../core/messaging/messenger';
import { moscowTime } from '../../../core/messaging/moscow-time';
import type { InlineButton } from '../../../core/messaging/outgoing-message';
import type { FormContext } from '../../context';
import { renderQrPng } from '../../platform/qr-image';
import { DID_DATA } from './callback-data';

/** Why a screen stopped, in words: each way a session ends has its own caption. */
const ENDED_TEXT: Record<DigitalIdSession['status'], string> = {
  live: 'did-ended',
  expired: 'did-ended',
  stopped: 'did-stopped',
  revoked: 'did-revoked',
  superseded: 'did-superseded',
};

/**
 * How a Digital ID looks in the chat, the same whether the bot opens it or a worker
 * refreshes it: the QR, a caption in the person's language, and the buttons.
 */
export function qrScreen(
  i18n: I18n<FormContext>,
): DigitalIdScreen & { scenarioName(locale: string, scenario: string): string } {
  const t = (locale: string, key: string, vars?: Record<string, string | number>) =>
    i18n.t(locale, key, vars);
  const scenarioName = (locale: string, scenario: string) => t(locale, `scenario-${scenario}`);
  return {
    scenarioName,
    live(frame: QrFrame, messenger: Pick<Messenger, 'protectsContent'>): PhotoMessage {
      const { session } = frame;
      const ending = frame.nextAt.getTime() >= session.endsAt.getTime();
      const caption = t(session.locale, ending ? 'did-caption-last' : 'did-caption', {
        scenario: scenarioName(session.locale, session.scenario),
        next: moscowTime(frame.nextAt, localeFor(session.locale), 'seconds'),
        until: moscowTime(session.endsAt, localeFor(session.locale), 'time'),
      });
      return {
        png: renderQrPng(frame.url),
        // Where the message can be forwarded or saved, say what still protects the person.
        caption: messenger.protectsContent
          ? caption
          : `${caption}\n\n${t(session.locale, 'did-caption-open')}`,
        buttons: [
          [
            {
              text: t(session.locale, 'button-refresh-now'),
              callbackData: DID_DATA.refresh.build(session.id),
            },
            { text: t(session.locale, 'button-stop'), callbackData: DID_DATA.stop.build(session.id) },
          ],
        ],
        protectContent: true,
      };
    },
    ended(session: DigitalIdSession): { text: string; buttons: InlineButton[][] } {
      const key = ENDED_TEXT[session.status];
      return {
        text: t(session.locale, key, { scenario: scenarioName(session.locale, session.scenario) }),
        buttons: [
          [{ text: t(session.locale, 'button-show-again'), callbackData: DID_DATA.again.build(session.id) }],
        ],
      };
    },
  };
}

export type QrScreen = ReturnType<typeof qrScreen>;
