import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Account } from '../identity/account';
import type { AccountDirectory } from '../identity/account-linking';
import { moscowDate } from '../identity/calendar';
import type { AppQrCache } from './app-qr-cache';
import type { Ed25519 } from './ed25519';
import { issueToken, verifierUrl } from './issue-token';
import type { Keyring } from './keyring';
import { type DigitalIdRefusal, digitalIdEligibility, type Scenario } from './scenarios';
import type { DigitalIdSession, SessionChannel, SessionStatus, SessionStore } from './session';
import { SID_BYTES } from './token-format';

export interface DigitalIdTiming {
  refreshSeconds: number;
  sessionSeconds: number;
  tokenTtlSeconds: number;
}

/** One QR to show: the URL it encodes and when the next one is due. */
export interface QrFrame {
  session: DigitalIdSession;
  seq: number;
  /** The token's text form, and the URL the QR encodes. */
  token: string;
  url: string;
  /** When this QR is replaced; the session's end when no refresh fits before it. */
  nextAt: Date;
}

export type OpenRefusal = DigitalIdRefusal | 'DIGITAL_ID.NOT_LINKED' | 'DIGITAL_ID.SCENARIO_NOT_HELD';

export type RefreshOutcome =
  | { kind: 'show'; frame: QrFrame }
  | { kind: 'ended'; session: DigitalIdSession }
  /** The seq was handed out before (a crashed try): never shown twice, the chain goes on. */
  | { kind: 'skip'; session: DigitalIdSession; nextSeq: number }
  | { kind: 'stale' };

export interface DigitalIdDeps {
  sessions: SessionStore;
  accounts: AccountDirectory;
  keyring: Keyring;
  ed25519: Ed25519;
  clock: Clock;
  timing: DigitalIdTiming;
  publicUrl: () => string;
  /** The app's QRs kept for repeated polls: a session this service ends is dropped from it. */
  appQrs: Pick<AppQrCache, 'forget'>;
}

/** Opening, refreshing and ending Digital ID sessions. Every decision is made here. */
export function digitalIdService(deps: DigitalIdDeps) {
  return { ...sessionOpening(deps), ...refreshChain(deps), ...sessionControls(deps) };
}

/** The QR for `seq`: a token issued at `at` (now), due to be replaced a refresh interval later. */
export async function qrFrame(
  deps: DigitalIdDeps,
  session: DigitalIdSession,
  seq: number,
  at: Date = deps.clock.now(),
): Promise<QrFrame> {
  const token = issueToken(deps.ed25519, await deps.keyring.signingKey(), {
    scenario: session.scenario,
    iat: Math.floor(at.getTime() / 1000),
    ttl: session.tokenTtlSeconds,
    sid: session.sid,
    seq,
  });
  const next = new Date(at.getTime() + session.refreshSeconds * 1000);
  return {
    session,
    seq,
    token,
    url: verifierUrl(deps.publicUrl(), token),
    nextAt: next < session.endsAt ? next : session.endsAt,
  };
}

/** The account linked to the person and the scenarios it may show today, or why it may show none. */
export async function eligibleScenarios(deps: DigitalIdDeps, messengerUserId: number) {
  return scenariosOf(deps, await deps.accounts.findLinkedTo(messengerUserId));
}

/** The scenarios the account linked to a person may show today; null: nothing is linked. */
export function scenariosOf(deps: Pick<DigitalIdDeps, 'clock'>, account: Account | null) {
  if (!account) return { ok: false as const, code: 'DIGITAL_ID.NOT_LINKED' as const };
  const eligibility = digitalIdEligibility(account, moscowDate(deps.clock.now()));
  return eligibility.ok ? { ok: true as const, account, scenarios: eligibility.scenarios } : eligibility;
}

/** Why a live session may not show its next QR (the person's link or status changed), or null. */
export function heldNoLonger(
  session: DigitalIdSession,
  eligible: ReturnType<typeof scenariosOf>,
): string | null {
  if (!eligible.ok) return eligible.code;
  return eligible.account.id !== session.accountId || !eligible.scenarios.includes(session.scenario)
    ? 'the status is no longer held'
    : null;
}

export interface OpenInput {
  messengerUserId: number;
  chatId: number;
  scenario: Scenario;
  locale: string;
}

export type Opened =
  | { ok: true; frame: QrFrame; superseded: DigitalIdSession | null }
  | { ok: false; code: OpenRefusal };

/**
 * A person picks a scenario they hold, and a new session shows its first QR. It ends the
 * person's live session, whether in the chat or in the app: one live QR per person.
 */
export async function openSession(
  deps: DigitalIdDeps,
  input: OpenInput,
  channel: SessionChannel,
): Promise<Opened> {
  const eligible = await eligibleScenarios(deps, input.messengerUserId);
  if (!eligible.ok) return eligible;
  if (!eligible.scenarios.includes(input.scenario))
    return { ok: false, code: 'DIGITAL_ID.SCENARIO_NOT_HELD' };
  const now = deps.clock.now();
  const session: DigitalIdSession = {
    ...input,
    id: randomUUID(),
    sid: new Uint8Array(randomBytes(SID_BYTES)),
    accountId: eligible.account.id,
    messageId: null,
    seq: 0,
    status: 'live',
    refreshSeconds: deps.timing.refreshSeconds,
    tokenTtlSeconds: deps.timing.tokenTtlSeconds,
    startedAt: now,
    endsAt: new Date(now.getTime() + deps.timing.sessionSeconds * 1000),
    channel,
  };
  // Issued at the session's start: for an app session this is its first window's token, the
  // one every poll of that window computes again (app-sessions.ts).
  const frame = await qrFrame(deps, session, 0, now);
  const opened = await deps.sessions.openSuperseding(session);
  // Unlinked since the check above (by another process): the same answer as before it.
  if (!opened) return { ok: false, code: 'DIGITAL_ID.NOT_LINKED' };
  if (opened.superseded) await forgetAppQr(deps, opened.superseded);
  return { ok: true, frame: { ...frame, session }, superseded: opened.superseded };
}

/** An ended app session's QR is no longer answered from the cache. */
export async function forgetAppQr(deps: DigitalIdDeps, session: DigitalIdSession | null) {
  if (session?.channel === 'app') await deps.appQrs.forget(session.id);
}

/**
 * Ends the session if it is live, and an app session's cached QR with it: every end this service
 * makes goes through here, so none leaves its QR answered from the cache (the admin store's
 * ends, past this service, forget the QR through `forgetAppQr`). Null when it had already ended.
 */
export async function endSession(
  deps: DigitalIdDeps,
  id: string,
  status: Exclude<SessionStatus, 'live'>,
  reason: string,
  at: Date = deps.clock.now(),
): Promise<DigitalIdSession | null> {
  const ended = await deps.sessions.end(id, status, reason, at);
  await forgetAppQr(deps, ended);
  return ended;
}

/** Opening a session, and what the bot asks before and after. */
function sessionOpening(deps: DigitalIdDeps) {
  return {
    scenariosFor: (messengerUserId: number) => eligibleScenarios(deps, messengerUserId),

    /** A chat session: its QR goes into a photo message the bot sends. */
    open: (input: OpenInput) => openSession(deps, input, 'chat'),

    attachMessage: (sessionId: string, messageId: number) =>
      deps.sessions.attachMessage(sessionId, messageId),
  };
}

/** The chain of jobs that replaces a live session's QR until the session ends. */
function refreshChain(deps: DigitalIdDeps) {
  async function endWith(
    session: DigitalIdSession,
    status: 'expired' | 'revoked',
    reason: string,
  ): Promise<RefreshOutcome> {
    const ended = await endSession(deps, session.id, status, reason);
    return ended ? { kind: 'ended', session: ended } : { kind: 'stale' };
  }

  return {
    /**
     * The step of the refresh chain for `seq`. It re-checks, right before anything is shown,
     * that the session is live, that `seq` is the next one and that the person is still
     * eligible; a stale or duplicate job changes nothing.
     */
    async refresh(sessionId: string, seq: number): Promise<RefreshOutcome> {
      const session = await deps.sessions.find(sessionId);
      if (session?.status !== 'live') return { kind: 'stale' };
      if (session.seq >= seq) return { kind: 'skip', session, nextSeq: session.seq + 1 };
      if (session.seq < seq - 1) return { kind: 'stale' };
      const now = deps.clock.now();
      if (now >= session.endsAt) return endWith(session, 'expired', 'the session ran its time');
      const reason = heldNoLonger(session, await eligibleScenarios(deps, session.messengerUserId));
      if (reason) return endWith(session, 'revoked', reason);
      if (!(await deps.sessions.claimSeq(session.id, seq - 1))) return { kind: 'stale' };
      return { kind: 'show', frame: await qrFrame(deps, { ...session, seq }, seq) };
    },

    /**
     * Where each live session's refresh chain should go on: after a Redis outage a chain's
     * next job may be gone, and scheduling the seq after the last one shown puts it back
     * (a step that already exists, or already ran, changes nothing).
     */
    async chainsToResume(): Promise<{ sessionId: string; nextSeq: number }[]> {
      return (await deps.sessions.showing()).map((s) => ({ sessionId: s.id, nextSeq: s.seq + 1 }));
    },

    /** App sessions nobody polled to their end are ended (their cached QRs lapse by then). */
    expireAppSessions: () => deps.sessions.expireAppSessions(deps.clock.now()),

    /** The QR of a claimed seq could not be shown (429): it may be claimed again later. */
    releaseSeq: (sessionId: string, seq: number) => deps.sessions.releaseSeq(sessionId, seq),
  };
}

/** A session seen or ended by its owner, an admin, or because its message is gone. */
function sessionControls(deps: DigitalIdDeps) {
  return {
    /** The person's own session only; anyone else's (forged callback data) is refused. */
    async stop(messengerUserId: number, sessionId: string) {
      const session = await deps.sessions.find(sessionId);
      if (!session || session.messengerUserId !== messengerUserId)
        return { ok: false as const, code: 'DIGITAL_ID.NOT_YOURS' as const };
      const ended = await endSession(deps, sessionId, 'stopped', 'stopped by the person');
      return ended
        ? { ok: true as const, session: ended }
        : { ok: false as const, code: 'DIGITAL_ID.NOT_LIVE' as const };
    },

    async ownLiveSession(messengerUserId: number, sessionId: string) {
      const session = await deps.sessions.find(sessionId);
      if (!session || session.messengerUserId !== messengerUserId)
        return { ok: false as const, code: 'DIGITAL_ID.NOT_YOURS' as const };
      if (session.status !== 'live') return { ok: false as const, code: 'DIGITAL_ID.NOT_LIVE' as const };
      return { ok: true as const, session };
    },

    async sessionOf(messengerUserId: number, sessionId: string) {
      const session = await deps.sessions.find(sessionId);
      return session && session.messengerUserId === messengerUserId ? session : null;
    },

    /** A session ended past this service (by the admin store): its app QR is not answered again. */
    forgetAppQr: (session: DigitalIdSession) => forgetAppQr(deps, session),

    /** An admin's /revoke or /block: the session ends now and its QRs verify as `revoked`. */
    revoke: (sessionId: string, reason: string) => endSession(deps, sessionId, 'revoked', reason),

    /**
     * A chat session that has ended, whose message should say so: the app superseded it, or it
     * ended while a refresh's edit was on its way. Null while it is live.
     */
    async endedChatScreen(sessionId: string) {
      const session = await deps.sessions.find(sessionId);
      return session?.channel === 'chat' && session.status !== 'live' && session.messageId !== null
        ? session
        : null;
    },

    /** The message was deleted, or it can no longer be edited: nothing is left to refresh. */
    endGone: (session: DigitalIdSession) => endSession(deps, session.id, 'stopped', 'the message is gone'),
  };
}

export type DigitalIdService = ReturnType<typeof digitalIdService>;
