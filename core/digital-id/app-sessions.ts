import type { Account } from '../identity/account';
import type { AppQrCache } from './app-qr-cache';
import {
  type DigitalIdDeps,
  eligibleScenarios,
  forgetAppQr,
  heldNoLonger,
  type OpenRefusal,
  openSession,
  qrFrame,
  scenariosOf,
} from './digital-id-service';
import { verifierUrl } from './issue-token';
import type { RefreshScheduler } from './refresh-scheduler';
import type { Scenario } from './scenarios';
import type { AppQr, DigitalIdSession } from './session';

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

const notYours = { ok: false as const, code: 'DIGITAL_ID.NOT_YOURS' as const };
const ended = { ok: false as const, code: 'DIGITAL_ID.ENDED' as const };

/**
 * The Digital ID drawn by the Mini App: the same eligibility and the same one live session per
 * person as the chat, but no messenger traffic. The page asks for its QR; a new token is signed
 * only once `refreshAt` has passed (one per refresh interval, whoever asks how often), and until
 * then every poll gets the same one, from the cache when it can.
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
  const shown = async (session: DigitalIdSession, qr: AppQr): Promise<AppQrOutcome> =>
    (await remember(session, qr)) ? { ok: true, answer: answer(qr, session.endsAt) } : ended;

  /**
   * The next seq's QR, unless another poll moved the session on first: then that one. The
   * person's eligibility is checked again first, as the chat's refresh does, from the account
   * read with the session: a status the registry withdrew ends the session here.
   */
  async function advance(session: DigitalIdSession, holder: Account | null): Promise<AppQrOutcome> {
    const reason = heldNoLonger(session, scenariosOf(deps, holder));
    if (reason) {
      await forgetAppQr(deps, await deps.sessions.end(session.id, 'revoked', reason, deps.clock.now()));
      return ended;
    }
    const frame = await qrFrame(deps, session, session.seq + 1);
    const next = { token: frame.token, refreshAt: frame.nextAt };
    if (await deps.sessions.advanceAppQr(session.id, session.seq, next)) return shown(session, next);
    // Another poll won the update, or the session ended since it was read: the database says which.
    const now = await deps.sessions.find(session.id);
    return now?.status === 'live' && now.appQr ? { ok: true, answer: answer(now.appQr, now.endsAt) } : ended;
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

    /** The QR to show now (PRODUCT.md §8): the same one before `refreshAt`, the next one after. */
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
        await forgetAppQr(
          deps,
          await deps.sessions.end(session.id, 'expired', 'the session ran its time', now),
        );
        return ended;
      }
      if (session.appQr && now < session.appQr.refreshAt) return shown(session, session.appQr);
      return advance(session, holder);
    },

    /** DELETE: the person's own app session ends (again: still done); anyone else's is not found. */
    async stop(messengerUserId: number, sessionId: string): Promise<boolean> {
      const session = await deps.sessions.find(sessionId);
      if (!session || session.messengerUserId !== messengerUserId || session.channel !== 'app') return false;
      // Ended by this call or already: only an end made now leaves the mark, so a repeated
      // DELETE does not renew it.
      await forgetAppQr(
        deps,
        await deps.sessions.end(session.id, 'stopped', 'stopped by the person', deps.clock.now()),
      );
      return true;
    },
  };
}

export type AppSessions = ReturnType<typeof appSessions>;
