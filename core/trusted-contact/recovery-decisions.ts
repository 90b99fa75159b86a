import { maskPhone } from '../identity/phone';
import { recoveryFinalNotices } from './notices';
import { dispatched, type RecoveryDeps } from './service-deps';
import type { Actor, FinalRecoveryStatus, RecoveryRequest } from './trusted-contact-store';

/** The first final decision, both sides told; the portal hears of it. Null if another came first. */
export async function decide(deps: RecoveryDeps, requestId: string, to: FinalRecoveryStatus, actor: Actor) {
  const decided = await dispatched(
    deps,
    await deps.store.decideRecovery(requestId, to, deps.clock.now(), actor, (r) => recoveryFinalNotices(r)),
  );
  if (decided) await deps.jobs.finished(decided.request);
  return decided;
}

/** The request as it stands now: one past its time is expired, whoever looks first. */
export async function current(deps: RecoveryDeps, requestId: string): Promise<RecoveryRequest | null> {
  const request = await deps.store.findRecovery(requestId);
  if (request?.status !== 'pending' || request.expiresAt > deps.clock.now()) return request;
  return (await decide(deps, request.id, 'expired', 'system'))?.request ?? deps.store.findRecovery(requestId);
}

/** A pending request this messenger user may act on as `role`. */
async function pendingFor(
  deps: RecoveryDeps,
  userId: number,
  requestId: string,
  role: 'contact' | 'trustor',
) {
  const account = await deps.accounts.findLinkedTo(userId);
  const request = await current(deps, requestId);
  const own = role === 'contact' ? request?.contactAccountId : request?.trustorAccountId;
  if (!account || !request || own !== account.id)
    return { ok: false as const, code: 'TC.NOT_YOURS' as const };
  // An ex-contact never decides: the request ended with the relationship (the store checks again).
  const decidable =
    request.status === 'pending' &&
    (role === 'trustor' || (await deps.store.findLink(request.trustLinkId))?.status === 'active');
  if (!decidable) return { ok: false as const, code: 'TC.NOT_PENDING' as const };
  return { ok: true as const, account, request };
}

/** Approve, step one: the contact gets a code by SMS to the phone confirmed on their account. */
export async function startApproval(deps: RecoveryDeps, userId: number, requestId: string) {
  const own = await pendingFor(deps, userId, requestId, 'contact');
  if (!own.ok) return own;
  const sent = await deps.otp.send({
    purpose: 'recovery-approval',
    subject: requestId,
    phone: own.account.phone,
    message: deps.smsText,
  });
  return sent.ok
    ? { ok: true as const, challengeId: sent.challengeId, phone: maskPhone(own.account.phone) }
    : sent;
}

/** Approve, step two: a correct code approves, if nothing else was decided first. */
export async function approveWithCode(
  deps: RecoveryDeps,
  userId: number,
  requestId: string,
  challengeId: string,
  typed: string,
) {
  const own = await pendingFor(deps, userId, requestId, 'contact');
  if (!own.ok) return own;
  const checked = await deps.otp.check({ challengeId, subject: requestId, typed });
  if (!checked.ok) return checked;
  return decidedBy(deps, own.account.id, requestId, 'approved');
}

export async function deny(deps: RecoveryDeps, userId: number, requestId: string) {
  const own = await pendingFor(deps, userId, requestId, 'contact');
  return own.ok ? decidedBy(deps, own.account.id, requestId, 'denied') : own;
}

/** "It was not me": the trustor cancels at once. */
export async function cancelByTrustor(deps: RecoveryDeps, userId: number, requestId: string) {
  const own = await pendingFor(deps, userId, requestId, 'trustor');
  return own.ok ? decidedBy(deps, own.account.id, requestId, 'cancelled') : own;
}

async function decidedBy(deps: RecoveryDeps, accountId: string, requestId: string, to: FinalRecoveryStatus) {
  const decided = await decide(deps, requestId, to, { account: accountId });
  return decided ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
}
