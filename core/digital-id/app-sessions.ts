import type { AppQrCache } from './app-qr-cache';
import {
  type DigitalIdDeps,
  eligibleScenarios,
  endSession,
  heldNoLonger,
  type OpenRefusal,
  openSession,
  qrFrame,
  scenariosOf,
} from './digital-id-service';
import { verifierUrl } from './issue-token';
import type { RefreshScheduler } from './refresh-scheduler';
import type { Scenario } from './scenarios';
import type { DigitalIdSession } from './session';

export interface AppSessionDeps extends DigitalIdDeps {
  appQrs: AppQrCache;
  /** Where a chat screen that the app superseded is turned into "ended", by a worker. */
  scheduler: Pick<RefreshScheduler, 'showEnded'>;
}

/** What the app's page shows: the QR's URL, when to ask again, when the session ends. */
export interface AppQrAnswer {
  qr: string;
  refreshAt: Date;
  expiresAt: Date;
}

export type AppQrOutcome =
  | { ok: true; answer: AppQrAnswer }
  /** Someone else's session, a chat session, or none at all: the same answer for each. */
  | { ok: false; code: 'DIGITAL_ID.NOT_YOURS' }
  | { ok: false; code: 'DIGITAL_ID.ENDED' };

/** A QR the app shows: its token, and when a poll may have the next one. */
interface AppQr {
  token: string;
  refreshAt: Date;
}

const notYours = { ok: false as const, code: 'DIGITAL_ID.NOT_YOURS' as const };
const ended = { ok: false as const, code: 'DIGITAL_ID.ENDED' as const };

/**
 * The Digital ID drawn by the Mini App: the same eligibility and the same one live session per
 * person as the chat, but no messenger traffic. The page asks for its QR; there is a new token
 * only once `refreshAt` has passed (one per refresh interval, whoever asks how often), and until
 * then every poll gets the same one, from the cache when it can.
 *
 * An app session's life is cut into refresh windows from its start: window k begins k refresh
 * intervals after it, and its token has seq k and the window's start as `iat`. Ed25519 signs
 * deterministically, so every poll of a window, on any API process, computes the very same
 * token: "one token per refresh interval" needs no shared counter, and a poll writes nothing to
 * the database (it reads the session with the person's account, to check eligibility again).
 * A page hidden for a while skips windows: its next QR's seq is the window's, not last + 1.
 */
export function appSessions(deps: AppSessionDeps) {
  const answer = (qr: AppQr, expiresAt: Date): AppQrAnswer => ({
    qr: verifierUrl(deps.publicUrl(), qr.token),
    refreshAt: qr.refreshAt,
    expiresAt,
  });
  /**
   * Caches the QR; false when the session ended meanwhile: its end's `forget` came before this
   * put, which the cache then refuses. An end after the put forgets the entry itself, and so
   * does an unlink or an admin's /revoke (core/admin). With the cache away nothing is kept and
   * every poll reads the database, which has the last word; only an end whose `forget` failed
   * while this put succeeded leaves an entry answered until its `refreshAt`, and that QR
   * verifies as revoked all the same.
   */
  const remember = (session: DigitalIdSession, qr: AppQr) =>
    deps.appQrs.put({
      sessionId: session.id,
      messengerUserId: session.messengerUserId,
      token: qr.token,
      refreshAt: qr.refreshAt,
      expiresAt: session.endsAt,
    });

  /**
   * The QR of the window `now` falls in. A process whose clock runs behind the one that opened
   * the session may see a moment before its start: that is still the first window.
   */
  async function windowQr(session: DigitalIdSession, now: Date): Promise<AppQr> {
    const refreshMs = session.refreshSeconds * 1000;
    const window = Math.max(0, Math.floor((now.getTime() - session.startedAt.getTime()) / refreshMs));
    const start = new Date(session.startedAt.getTime() + window * refreshMs);
    const frame = await qrFrame(deps, session, window, start);
    return { token: frame.token, refreshAt: frame.nextAt };
  }

  return {
    /** What the chat's /id offers the person: the scenarios they hold today, or why none. */
    scenarios: (messengerUserId: number) => eligibleScenarios(deps, messengerUserId),

    /**
     * Opens an app session. A chat session it supersedes has its message turned into
     * "ended" by a worker: the API never talks to the messenger itself.
     */
    async open(input: {
      messengerUserId: number;
      scenario: Scenario;
      locale: string;
    }): Promise<
      | { ok: true; session: { id: string; scenario: Scenario }; answer: AppQrAnswer }
      | { ok: false; code: OpenRefusal }
    > {
      // An app session has no chat message; the person's own id stands in for its chat.
      const opened = await openSession(deps, { ...input, chatId: input.messengerUserId }, 'app');
      if (!opened.ok) return opened;
      const { superseded, frame } = opened;
      if (superseded?.channel === 'chat' && superseded.messageId !== null)
        await deps.scheduler.showEnded(superseded.id);
      const qr = { token: frame.token, refreshAt: frame.nextAt };
      // Superseded already (by the chat, in between) or not: the page learns it from its next poll.
      await remember(frame.session, qr);
      return { ok: true, session: frame.session, answer: answer(qr, frame.session.endsAt) };
    },

    /**
     * The QR to show now (PRODUCT.md §8): the same one before `refreshAt`, the next window's
     * after. Every token it signs is signed after checking, from the account read with the
     * session, that the person still holds the scenario, as the chat's refresh does: a status
     * the registry withdrew ends the session here.
     */
    async current(messengerUserId: number, sessionId: string): Promise<AppQrOutcome> {
      const now = deps.clock.now();
      const cached = await deps.appQrs.get(sessionId);
      if (cached && now < cached.refreshAt)
        return cached.messengerUserId === messengerUserId
          ? { ok: true, answer: answer(cached, cached.expiresAt) }
          : notYours;
      const found = await deps.sessions.findWithHolder(sessionId);
      if (!found || found.session.messengerUserId !== messengerUserId || found.session.channel !== 'app')
        return notYours;
      const { session, holder } = found;
      if (session.status !== 'live') return ended;
      if (now >= session.endsAt) {
        await endSession(deps, session.id, 'expired', 'the session ran its time', now);
        return ended;
      }
      const reason = heldNoLonger(session, scenariosOf(deps, holder));
      if (reason) {
        await endSession(deps, session.id, 'revoked', reason, now);
        return ended;
      }
      const qr = await windowQr(session, now);
      return (await remember(session, qr)) ? { ok: true, answer: answer(qr, session.endsAt) } : ended;
    },

    /** DELETE: the person's own app session ends (again: still done); anyone else's is not found. */
    async stop(messengerUserId: number, sessionId: string): Promise<boolean> {
      const session = await deps.sessions.find(sessionId);
      if (!session || session.messengerUserId !== messengerUserId || session.channel !== 'app') return false;
      // Ended by this call or already: only an end made now leaves the mark, so a repeated
      // DELETE does not renew it.
      await endSession(deps, session.id, 'stopped', 'stopped by the person');
      return true;
    },
  };
}

export type AppSessions = ReturnType<typeof appSessions>;
