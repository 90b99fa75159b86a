import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import type { Clock } from '../../core/clock';
import type { DigitalIdService } from '../../core/digital-id/digital-id-service';
import type { RefreshScheduler } from '../../core/digital-id/refresh-scheduler';
import { type DigitalIdScreen, editToEndedScreen, showEndedScreen } from '../../core/digital-id/screen';
import type { Messenger } from '../../core/messaging/messenger';
import type { SendControl } from '../outgoing/outgoing.processor';
import type { SendPace } from '../outgoing/send-pace';
import { QUEUES } from '../queues';

export interface QrRefreshDeps {
  digitalId: DigitalIdService;
  messenger: Messenger;
  screen: DigitalIdScreen;
  scheduler: RefreshScheduler;
  pace: Pick<SendPace, 'qrEdited'>;
  clock: Clock;
  logger: Logger;
  metrics: { refreshLateness: Histogram };
}

export type QrRefreshResult = 'shown' | 'ended' | 'skipped' | 'stale' | 'gone';

/**
 * One step of a session's refresh chain. Core decides (show seq, end, or nothing); this only
 * edits the message and schedules the next step. A seq is claimed before its edit, so it is
 * shown at most once; a 429 gives it back, and an edit that never happened is never seen.
 */
export function qrRefreshProcessor(deps: QrRefreshDeps) {
  return async (data: unknown, control: SendControl & { dueAt: number }): Promise<QrRefreshResult> => {
    const parsed = QUEUES.outgoing.jobs['qr-refresh'].safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad qr-refresh payload: ${parsed.error.message}`);
    const { sessionId, seq } = parsed.data;
    const outcome = await deps.digitalId.refresh(sessionId, seq);
    switch (outcome.kind) {
      case 'stale':
        return 'stale';
      case 'skip':
        await deps.scheduler.schedule(sessionId, outcome.nextSeq, deps.clock.now());
        return 'skipped';
      case 'ended':
        await showEndedScreen(deps, outcome.session, seq);
        return 'ended';
      case 'show':
        break;
    }
    const { frame } = outcome;
    const { session } = frame;
    if (session.messageId === null) {
      // The first photo is still on its way from the bot; try this seq again shortly.
      await deps.digitalId.releaseSeq(session.id, seq);
      throw new Error('the Digital ID message is not sent yet');
    }
    // Too soon after this chat's last QR edit or message: the seq is given back, unseen, before
    // the job is put to wait, so it is claimed afresh when the chat's turn comes.
    const turn = await control.turn(session.chatId, 'qr');
    if (!turn.go) {
      await deps.digitalId.releaseSeq(session.id, seq);
      await control.waitUntil(turn.at);
      throw new DelayedError();
    }
    const result = await deps.messenger.editPhoto(
      session.chatId,
      session.messageId,
      deps.screen.live(frame, deps.messenger),
    );
    if (result.ok || result.failure.code === 'NOT_MODIFIED') {
      await deps.pace.qrEdited(session.chatId);
      deps.metrics.refreshLateness.observe(Math.max(0, deps.clock.now().getTime() - control.dueAt) / 1000);
      // An end that came while this edit was on its way (a Stop tap, an unlink, the app) may have
      // shown its screen first, and this live QR then covered it: the ended screen goes back on top.
      const endedMeanwhile = await deps.digitalId.endedChatScreen(session.id);
      if (endedMeanwhile) {
        await showEndedScreen(deps, endedMeanwhile, seq);
        return 'ended';
      }
      await deps.scheduler.schedule(session.id, seq + 1, frame.nextAt);
      return 'shown';
    }
    const failure = result.failure;
    switch (failure.code) {
      case 'RATE_LIMITED':
        await deps.digitalId.releaseSeq(session.id, seq);
        await control.rateLimit(failure.retryAfterSeconds * 1000);
        throw Worker.RateLimitError();
      case 'UNAVAILABLE':
        await deps.digitalId.releaseSeq(session.id, seq);
        throw new Error(`messenger unavailable: ${failure.description}`);
      default:
        // Deleted by the person, no longer editable, or the bot was blocked: nothing to refresh.
        deps.logger.info(
          { sessionId: session.id, reason: failure.code },
          'Digital ID message gone; session ended',
        );
        await deps.digitalId.endGone(session);
        return 'gone';
    }
  };
}

/**
 * A chat session that the Mini App superseded: its message shows the ended screen, as it would
 * had the bot itself ended it. A session that is live again or has no message changes nothing.
 */
export function qrEndedProcessor(deps: Pick<QrRefreshDeps, 'digitalId' | 'messenger' | 'screen'>) {
  return async (data: unknown): Promise<'ended' | 'stale'> => {
    const parsed = QUEUES.outgoing.jobs['qr-ended'].safeParse(data);
    if (!parsed.success) throw new UnrecoverableError(`bad qr-ended payload: ${parsed.error.message}`);
    const session = await deps.digitalId.endedChatScreen(parsed.data.sessionId);
    if (!session) return 'stale';
    // Thrown, the job is tried again with backoff, as a pushed message is.
    if ((await editToEndedScreen(deps.messenger, deps.screen, session)) === 'retry')
      throw new Error('the messenger is busy or away; the ended screen waits');
    return 'ended';
  };
}
