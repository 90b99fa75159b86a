import type { Messenger, PhotoMessage } from '../messaging/messenger';
import type { InlineButton } from '../messaging/outgoing-message';
import type { QrFrame } from './digital-id-service';
import type { RefreshScheduler } from './refresh-scheduler';
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
 * Turns a session's message into its "ended" form: 'retry' when the messenger was busy or away.
 * Any other answer (already so, deleted by the person, the bot blocked) leaves nothing to do.
 */
export async function editToEndedScreen(
  messenger: Messenger,
  screen: Pick<DigitalIdScreen, 'ended'>,
  session: DigitalIdSession,
): Promise<'done' | 'retry'> {
  if (session.messageId === null) return 'done';
  const ended = screen.ended(session);
  const result = await messenger.editCaption(session.chatId, session.messageId, {
    text: ended.text,
    buttons: ended.buttons,
  });
  return !result.ok && (result.failure.code === 'RATE_LIMITED' || result.failure.code === 'UNAVAILABLE')
    ? 'retry'
    : 'done';
}

export interface EndedScreenDeps {
  messenger: Messenger;
  screen: Pick<DigitalIdScreen, 'ended'>;
  scheduler: Pick<RefreshScheduler, 'showEnded'>;
}

/**
 * The ended screen, now or, when the messenger is busy or away, by a worker that tries again: a
 * live-looking QR must not stay on a session that has ended. `afterSeq` names the refresh after
 * which it is shown, so that a later attempt is not taken for an earlier one's job.
 */
export async function showEndedScreen(
  deps: EndedScreenDeps,
  session: DigitalIdSession,
  afterSeq?: number,
): Promise<void> {
  if ((await editToEndedScreen(deps.messenger, deps.screen, session)) === 'retry')
    await deps.scheduler.showEnded(session.id, afterSeq);
}
