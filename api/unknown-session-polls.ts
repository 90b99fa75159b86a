import type { AppQrOutcome, AppSessions } from '../core/digital-id/app-sessions';

export type CappedPollOutcome = AppQrOutcome | { ok: false; code: 'TOO_MANY_REQUESTS' };

const tooMany = { ok: false as const, code: 'TOO_MANY_REQUESTS' as const };

/** People the in-process set below keeps at most; past it the one least recently marked goes. */
const KEPT = 50_000;

/**
 * The citizen app's QR polls with the person's cap of actions (the chat's, shared) on the polls
 * the database refuses: a script asking for random session ids, someone else's, or its own ended
 * one costs one SQL read each, and must not go on for ever. Over the cap, the person's polls of
 * any session but their live one are 429 before the database.
 *
 * A valid poll is the hot path (the cached QR from Redis, the database once a refresh) and gets no
 * Redis command more: the limiter is asked only after a refusal, and before a poll of a person this
 * process saw go over the cap. Such a poll first asks which session the person opened last (on any
 * process); another id asks the limiter (and counts): still over, 429 with no read; under again
 * (the window passed), the mark goes and the poll reads the database like any other. So no clock
 * is kept here: Redis's window has the last word, and each process lets a script through to the
 * database at most once a window past the cap, until it marks the person again.
 *
 * The person's own live session keeps its QR over the cap: the cap protects the database from
 * ids that are not theirs, and a QR must not go dark at a checkout because of refusals, which
 * anyone holding a copy of the person's launch data could cause.
 */
export function cappedPolls(deps: {
  current: AppSessions['current'];
  overLimit(messengerUserId: number): Promise<boolean>;
  /** The app session the person opened last, on any process; null when none is known. */
  liveSessionOf(messengerUserId: number): Promise<string | null>;
  forgetLiveSession(messengerUserId: number): Promise<void>;
}) {
  const overCap = new Set<number>();
  const mark = (messengerUserId: number) => {
    overCap.delete(messengerUserId);
    overCap.add(messengerUserId);
    if (overCap.size > KEPT) overCap.delete(overCap.values().next().value as number);
  };
  return {
    /** The session's QR, as `current` answers it, or too many requests. */
    async current(messengerUserId: number, sessionId: string): Promise<CappedPollOutcome> {
      let counted = false;
      let live = false;
      if (overCap.has(messengerUserId)) {
        live = (await deps.liveSessionOf(messengerUserId)) === sessionId;
        if (!live) {
          if (await deps.overLimit(messengerUserId)) return tooMany;
          overCap.delete(messengerUserId);
          counted = true;
        }
      }
      const outcome = await deps.current(messengerUserId, sessionId);
      // It ended (or was erased): from now on it is held back like any other id.
      if (live && !outcome.ok) await deps.forgetLiveSession(messengerUserId);
      if (!outcome.ok && !counted && (await deps.overLimit(messengerUserId))) {
        mark(messengerUserId);
        return tooMany;
      }
      return outcome;
    },
  };
}
