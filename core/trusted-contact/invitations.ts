import type { Account } from '../identity/account';
import { moscowDate } from '../identity/calendar';
import { cleanDisplayName } from '../identity/display-name';
import { maskPhone, normalizeRussianPhone } from '../identity/phone';
import { canBeContact, type TrustorRefusal, trustorRefusal } from './eligibility';
import { invitationNotice } from './notices';
import { dispatched, type TrustLinkDeps } from './service-deps';

/**
 * New invitations and resends a trustor may send an hour, each (PRODUCT.md §3): every one is a
 * message to another person, so one person must not flood another, nor fill their chat's pace.
 */
const INVITATIONS_PER_HOUR = 3;

type InviteRefusal =
  | TrustorRefusal
  | 'TC.BAD_PHONE'
  | 'TC.NAME_EMPTY'
  | 'TC.NAME_TOO_LONG'
  | 'TC.NAME_CONTROL'
  | 'TC.SELF'
  | 'TC.ALREADY_CONTACT';

export const NAME_REFUSALS = {
  empty: 'TC.NAME_EMPTY',
  too_long: 'TC.NAME_TOO_LONG',
  control_characters: 'TC.NAME_CONTROL',
} as const;

const MS = 1000;

/** The messenger user's account, if it may name a trusted contact. */
async function trustorOf(deps: TrustLinkDeps, userId: number) {
  const account = await deps.accounts.findLinkedTo(userId);
  const refusal = trustorRefusal(account, moscowDate(deps.clock.now()));
  return refusal ? { ok: false as const, code: refusal } : { ok: true as const, account: account as Account };
}

/**
 * When this person may send a new invitation, if not now: the form says so before asking for
 * anything, and `invite` checks again with the trustor locked.
 */
export async function invitationLimit(
  deps: TrustLinkDeps,
  userId: number,
): Promise<{ retryAt: Date; max: number } | null> {
  const account = await deps.accounts.findLinkedTo(userId);
  const retryAt =
    account && (await deps.store.nextInvitationAt(account.id, deps.clock.now(), INVITATIONS_PER_HOUR));
  return retryAt ? { retryAt, max: INVITATIONS_PER_HOUR } : null;
}

/** The confirmed person behind `phone`, if the invitation may reach them: else it is never delivered. */
async function deliverableTo(deps: TrustLinkDeps, trustor: Account, phone: string) {
  const contact = await deps.accounts.findConfirmedByPhone(phone);
  const { active } = await deps.store.trustorView(trustor.id, deps.clock.now());
  if (contact && active?.contactAccountId === contact.id) return 'already' as const;
  const deliverable =
    contact !== null &&
    canBeContact(contact, trustor, moscowDate(deps.clock.now())) &&
    (await deps.store.contactView(contact.id)).length < deps.settings.trustorsPerContact;
  return deliverable ? contact : null;
}

/**
 * The trustor names a contact. Whatever the number, the answer is the same "sent" (or, past the
 * hour's invitations, the same refusal): an invitation to a number that is no eligible person's
 * is kept, never delivered, and expires.
 */
export async function invite(
  deps: TrustLinkDeps,
  userId: number,
  nameInput: string,
  phoneInput: string,
): Promise<
  | { ok: true }
  | { ok: false; code: InviteRefusal }
  | { ok: false; code: 'TC.INVITE_LIMIT'; retryAt: Date; max: number }
> {
  const trustor = await trustorOf(deps, userId);
  if (!trustor.ok) return trustor;
  const name = cleanDisplayName(nameInput);
  if (!name.ok) return { ok: false, code: NAME_REFUSALS[name.problem] };
  const phone = normalizeRussianPhone(phoneInput);
  if (!phone) return { ok: false, code: 'TC.BAD_PHONE' };
  if (phone === trustor.account.phone) return { ok: false, code: 'TC.SELF' };
  const contact = await deliverableTo(deps, trustor.account, phone);
  if (contact === 'already') return { ok: false, code: 'TC.ALREADY_CONTACT' };
  const invitedAt = deps.clock.now();
  const created = await deps.store.invite(
    {
      trustorAccountId: trustor.account.id,
      contactAccountId: contact?.id ?? null,
      contactName: name.name,
      contactPhoneMasked: maskPhone(phone),
      invitedAt,
      expiresAt: new Date(invitedAt.getTime() + deps.settings.invitationTtlSeconds * MS),
    },
    INVITATIONS_PER_HOUR,
    (link) => (link.contactAccountId ? [invitationNotice(link, trustor.account)] : []),
  );
  if (created.outcome === 'limited')
    return { ok: false, code: 'TC.INVITE_LIMIT', retryAt: created.retryAt, max: INVITATIONS_PER_HOUR };
  await dispatched(deps, created);
  return { ok: true };
}

/** The open invitation goes out again with a new lifetime, within the hour's allowance. */
export async function resendInvitation(deps: TrustLinkDeps, userId: number, linkId: string) {
  const max = INVITATIONS_PER_HOUR;
  const trustor = await trustorOf(deps, userId);
  if (!trustor.ok) return trustor;
  const at = deps.clock.now();
  const resent = await deps.store.resend(
    linkId,
    trustor.account.id,
    at,
    new Date(at.getTime() + deps.settings.invitationTtlSeconds * MS),
    max,
    (link) => (link.contactAccountId ? [invitationNotice(link, trustor.account, at)] : []),
  );
  if (resent.outcome !== 'resent')
    return resent.outcome === 'limited'
      ? { ok: false as const, code: 'TC.RESEND_LIMIT' as const, max }
      : { ok: false as const, code: 'TC.NOT_PENDING' as const };
  await dispatched(deps, resent);
  return { ok: true as const, count: resent.count, max };
}

export async function cancelInvitation(deps: TrustLinkDeps, userId: number, linkId: string) {
  const account = await deps.accounts.findLinkedTo(userId);
  const link = await deps.store.findLink(linkId);
  if (!account || link?.trustorAccountId !== account.id)
    return { ok: false as const, code: 'TC.NOT_YOURS' as const };
  const closed = await deps.store.close(
    linkId,
    'invited',
    'cancelled',
    deps.clock.now(),
    { account: account.id },
    'cancelled by the trustor',
    () => [],
  );
  return closed ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
}
