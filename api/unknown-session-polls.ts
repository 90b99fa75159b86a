import type { AppQrOutcome, AppSessions } from '../core/digital-id/app-sessions';

export type CappedPollOutcome = AppQrOutcome | { ok: false; code: 'TOO_MANY_REQUESTS' };

const tooMany = { ok: false as const, code: 'TOO_MANY_REQUESTS' as const };

/** People each in-process map below keeps at most; past it the one least recently seen goes. */
const KEPT = 50_000;

function keep<V>(map: Map<number, V>, userId: number, value: V): void {
  map.delete(userId);
  map.set(userId, value);
  if (map.size > KEPT) map.delete(map.keys().next().value as number);
}

/**
 * The citizen app's QR polls with the person's cap of actions (the chat's, shared) on the polls
 * the database answers "not found": a script asking for random session ids costs one SQL read
 * each, and must not go on for ever. Over the cap, the person's polls of ids not known to be
 * theirs are 429 before the database.
 *
 * A valid poll is the hot path (the cached QR from Redis, the database once a refresh) and gets no
 * Redis command more: the limiter is asked only after a 404, and before a poll of a person this
 * process saw go over the cap from 404s. That takes two in-process maps: those people, and the
 * session each person was last shown here. A marked person's poll of any other id asks the
 * limiter first (and counts): still over, 429 with no read; under again (the window passed), the
 * mark goes and the poll reads the database like any other. So no clock is kept here: Redis's
 * window has the last word, and each process lets a script through to the database at most once
 * a window past the cap, until it marks the person. A map that forgets someone costs one read.
 *
 * The person's own session keeps its QR over the cap: the cap protects the database from
 * unknown ids, and a QR must not go dark at a checkout because of 404s, which anyone holding a
 * copy of the person's launch data could send. A process that has not shown that session yet
 * (polls spread over API processes) answers its poll 429 while the person is marked there; the
 * page keeps the QR on screen and asks again a few seconds later.
 */
export function cappedPolls(deps: {
  current: AppSessions['current'];
  overLimit(messengerUserId: number): Promise<boolean>;
}) {
  const overCap = new Map<number, true>();
  const shown = new Map<number, string>();
  return {
    /** The session's QR, as `current` answers it, or too many requests. */
    async current(messengerUserId: number, sessionId: string): Promise<CappedPollOutcome> {
      let counted = false;
      if (overCap.has(messengerUserId) && shown.get(messengerUserId) !== sessionId) {
        if (await deps.overLimit(messengerUserId)) return tooMany;
        overCap.delete(messengerUserId);
        counted = true;
      }
      const outcome = await deps.current(messengerUserId, sessionId);
      if (outcome.ok) {
        keep(shown, messengerUserId, sessionId);
        return outcome;
      }
      // Ended or erased, it is the person's no more: polled again, it is held back like any id.
      if (shown.get(messengerUserId) === sessionId) shown.delete(messengerUserId);
      if (outcome.code === 'DIGITAL_ID.NOT_YOURS' && !counted && (await deps.overLimit(messengerUserId))) {
        keep(overCap, messengerUserId, true);
        return tooMany;
      }
      return outcome;
    },

    /** A session the person just opened is theirs: its first poll here is not held back. */
    opened(messengerUserId: number, sessionId: string): void {
      keep(shown, messengerUserId, sessionId);
    },
  };
}
