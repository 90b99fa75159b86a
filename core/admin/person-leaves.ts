import type { DigitalIdSession } from '../digital-id/session';

export type LeaveReason = 'unlinked' | 'blocked';

export interface PersonLeavesDeps {
  liveSessionOf(userId: number): Promise<string | null>;
  revokeSession(sessionId: string, reason: string): Promise<DigitalIdSession | null>;
  /** Their trusted-contact relationships end, and with them the recoveries pending on them. */
  endRelationships(accountId: string, reason: LeaveReason): Promise<void>;
}

/** Why the person's live Digital ID ended, as the session records it. */
export const SESSION_END_REASON: Record<LeaveReason, string> = {
  unlinked: 'the account was unlinked',
  blocked: 'blocked by an admin',
};

/**
 * A person leaves (unlinks the bot, or an admin blocks them): their live Digital ID ends and
 * their trusted-contact relationships end. Each step changes only what is still live, so
 * running it again finishes what a crash interrupted: a repeated /block does. An unlink ends
 * the session in its own transaction (./offboarding.ts), so leaving ends only the relationships
 * after it, and what a crash left of those the trusted-contact sweeper ends (links of unlinked
 * people). Returns the ended session, whose chat should show it ended.
 */
export function personLeaves(deps: PersonLeavesDeps) {
  return async (
    who: { userId: number; accountId: string | null },
    reason: LeaveReason,
  ): Promise<DigitalIdSession | null> => {
    const live = await deps.liveSessionOf(who.userId);
    const ended = live ? await deps.revokeSession(live, SESSION_END_REASON[reason]) : null;
    if (who.accountId) await deps.endRelationships(who.accountId, reason);
    return ended;
  };
}

export type PersonLeaves = ReturnType<typeof personLeaves>;
