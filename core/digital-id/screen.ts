import type { Messenger, PhotoMessage } from '../messaging/messenger';
import type { InlineButton } from '../messaging/outgoing-message';
import type { QrFrame } from './digital-id-service';
import type { DigitalIdSession } from './session';

/**
 * How a Digital ID looks in a chat, the same whether the bot opens it or a worker refreshes it:
 * a presenter the bot builds (texts in the person's language) and the refresh worker is given.
 */
export interface DigitalIdScreen {
  /** The QR screen as `messenger` can show it: the caption may not promise what it cannot keep. */
  live(frame: QrFrame, messenger: Pick<Messenger, 'protectsContent'>): PhotoMessage;
  ended(session: DigitalIdSession): { text: string; buttons: InlineButton[][] };
}

/**
 * Turns a session's message into its "ended" form. Whatever the messenger answers (already
 * edited, deleted by the person), the session is over either way, so the outcome is not needed.
 */
export async function showEndedScreen(
  messenger: Messenger,
  screen: Pick<DigitalIdScreen, 'ended'>,
  session: DigitalIdSession,
): Promise<void> {
  if (session.messageId === null) return;
  const ended = screen.ended(session);
  await messenger.editCaption(session.chatId, session.messageId, {
    text: ended.text,
    buttons: ended.buttons,
  });
}
