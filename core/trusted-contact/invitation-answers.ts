import type { Account } from '../identity/account';
import { moscowDate } from '../identity/calendar';
import { canBeContact, shortName, trustorRefusal } from './eligibility';
import {
  invitationAnswered,
  invitationNotice,
  recoveriesEndedNotices,
  replacedNotices,
  welcomeNotice,
} from './notices';
import { dispatched, settled, type TrustLinkDeps } from './service-deps';
import type { TrustLink } from './trusted-contact-store';

/** Why a press does nothing: told politely, nothing changes. */
type PressRefusal = 'TC.NOT_YOURS' | 'TC.NOT_PENDING' | 'TC.CONTACT_FULL' | 'TC.NOT_ELIGIBLE';

type Answered = { ok: true; trustor: string } | { ok: false; code: PressRefusal };

/** The contact answers an invitation; only the person it was delivered to may. */
export async function answerInvitation(
  deps: TrustLinkDeps,
  userId: number,
  linkId: string,
  accept: boolean,
): Promise<Answered> {
  const contact = await deps.accounts.findLinkedTo(userId);
  const link = await deps.store.findLink(linkId);
  if (!contact || !link || link.contactAccountId !== contact.id) return { ok: false, code: 'TC.NOT_YOURS' };
  const trustor = await deps.accounts.findById(link.trustorAccountId);
  if (!trustor) return { ok: false, code: 'TC.NOT_PENDING' };
  return accept ? accepted(deps, link, contact, trustor) : declined(deps, link, contact, trustor);
}

async function declined(deps: TrustLinkDeps, link: TrustLink, contact: Account, trustor: Account) {
  const closed = await dispatched(
    deps,
    await deps.store.close(
      link.id,
      'invited',
      'declined',
      deps.clock.now(),
      { account: contact.id },
      'declined by the contact',
      (l) => [invitationAnswered(l, false)],
    ),
  );
  return closed
    ? { ok: true as const, trustor: shortName(trustor) }
    : { ok: false as const, code: 'TC.NOT_PENDING' as const };
}

/** The contact becomes one, if both sides are still eligible and the contact has room. */
async function accepted(
  deps: TrustLinkDeps,
  link: TrustLink,
  contact: Account,
  trustor: Account,
): Promise<Answered> {
  const today = moscowDate(deps.clock.now());
  if (!canBeContact(contact, trustor, today) || trustorRefusal(trustor, today))
    return { ok: false, code: 'TC.NOT_ELIGIBLE' };
  const result = await deps.store.accept(
    link.id,
    contact.id,
    deps.clock.now(),
    deps.settings.trustorsPerContact,
    (l, replaced, endedRequests) => [
      invitationAnswered(l, true),
      ...replacedNotices(replaced, trustor),
      welcomeNotice(l, trustor),
      ...recoveriesEndedNotices(endedRequests, trustor),
    ],
  );
  if (result.outcome !== 'accepted')
    return { ok: false, code: result.outcome === 'contact_full' ? 'TC.CONTACT_FULL' : 'TC.NOT_PENDING' };
  await settled(deps, result);
  return { ok: true, trustor: shortName(trustor) };
}

/** Invitations waiting for someone who just linked the bot reach them now. */
export async function onLinked(deps: TrustLinkDeps, accountId: string): Promise<void> {
  await dispatched(
    deps,
    await deps.store.deliverPending(accountId, deps.clock.now(), async (link) => {
      const trustor = await deps.accounts.findById(link.trustorAccountId);
      return trustor ? [invitationNotice(link, trustor)] : [];
    }),
  );
}
