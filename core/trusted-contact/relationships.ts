import type { Account } from '../identity/account';
import { moscowDate } from '../identity/calendar';
import { canBeContact, shortName, trustorRefusal } from './eligibility';
import { invitationExpiredNotice, recoveriesEndedNotices, relationshipEndedNotices } from './notices';
import { dispatched, settled, type TrustLinkDeps } from './service-deps';
import type { Actor, TrustLink } from './trusted-contact-store';

/** What /contact shows a trustor: their trusted contact, their open invitation, whom they help. */
export async function overview(deps: TrustLinkDeps, userId: number) {
  const account = await deps.accounts.findLinkedTo(userId);
  if (!account) return { ok: false as const, code: 'TC.NOT_LINKED' as const };
  const [mine, helping] = await Promise.all([
    deps.store.trustorView(account.id, deps.clock.now()),
    deps.store.contactView(account.id),
  ]);
  const trustors = await Promise.all(
    helping.map(async (l) => ({ link: l, trustor: await deps.accounts.findById(l.trustorAccountId) })),
  );
  return {
    ok: true as const,
    refusal: trustorRefusal(account, moscowDate(deps.clock.now())),
    ...mine,
    helping: trustors.map((t) => ({ linkId: t.link.id, name: t.trustor ? shortName(t.trustor) : '—' })),
  };
}

/** An active relationship ends with its pending requests; everyone but `by` is told. */
async function endLink(
  deps: TrustLinkDeps,
  link: TrustLink,
  actor: Actor,
  reason: string,
  by: Account | null,
) {
  const trustor = await deps.accounts.findById(link.trustorAccountId);
  const ended = await deps.store.close(
    link.id,
    'active',
    'ended',
    deps.clock.now(),
    actor,
    reason,
    (l, endedRequests) => [
      ...relationshipEndedNotices(l, reason, by?.id ?? null),
      ...recoveriesEndedNotices(endedRequests, trustor),
    ],
  );
  return settled(deps, ended);
}

/** Either side ends an active relationship; the other is told. */
export async function endRelationship(deps: TrustLinkDeps, userId: number, linkId: string) {
  const account = await deps.accounts.findLinkedTo(userId);
  const link = await deps.store.findLink(linkId);
  if (!account || !link || (link.trustorAccountId !== account.id && link.contactAccountId !== account.id))
    return { ok: false as const, code: 'TC.NOT_YOURS' as const };
  const reason = link.trustorAccountId === account.id ? 'ended by the trustor' : 'ended by the contact';
  const ended = await endLink(deps, link, { account: account.id }, reason, account);
  return ended ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
}

/** Someone unlinked the bot or was blocked: their relationships end now, the other sides are told. */
export async function endAllOf(deps: TrustLinkDeps, accountId: string, reason: 'unlinked' | 'blocked') {
  const [mine, helping] = await Promise.all([
    deps.store.trustorView(accountId, deps.clock.now()),
    deps.store.contactView(accountId),
  ]);
  for (const link of [...(mine.active ? [mine.active] : []), ...helping])
    await endLink(deps, link, 'system', reason, null);
}

/**
 * The sweeper's part for links: invitations past their time expire (the trustor is told),
 * relationships whose sides are no longer eligible or linked end (both are told).
 */
export async function sweepLinks(deps: TrustLinkDeps, at: Date): Promise<void> {
  for (const link of await deps.store.expiredInvitations(at)) {
    await dispatched(
      deps,
      await deps.store.close(
        link.id,
        'invited',
        'expired',
        at,
        'system',
        'the invitation was not answered in time',
        (l) => [invitationExpiredNotice(l)],
      ),
    );
  }
  for (const link of await deps.store.activeLinks()) {
    const reason = await ineligibility(deps, link);
    if (reason) await endLink(deps, link, 'system', reason, null);
  }
}

/** Why a relationship may not go on, or null if it may. */
async function ineligibility(deps: TrustLinkDeps, link: TrustLink): Promise<string | null> {
  const { accounts } = deps;
  const [trustor, contact] = await Promise.all([
    accounts.findById(link.trustorAccountId),
    link.contactAccountId ? accounts.findById(link.contactAccountId) : null,
  ]);
  if (!trustor || !contact) return 'no longer in the registry';
  const today = moscowDate(deps.clock.now());
  if (trustorRefusal(trustor, today) || !canBeContact(contact, trustor, today)) return 'no longer eligible';
  const [trustorUser, contactUser] = await Promise.all([
    accounts.linkedUserOf(trustor.id),
    accounts.linkedUserOf(contact.id),
  ]);
  if (trustorUser === null || contactUser === null) return 'unlinked';
  return null;
}
