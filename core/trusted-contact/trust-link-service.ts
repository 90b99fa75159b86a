import { answerInvitation, onLinked } from './invitation-answers';
import { cancelInvitation, invitationLimit, invite, resendInvitation } from './invitations';
import { endAllOf, endRelationship, overview, sweepLinks } from './relationships';
import type { TrustLinkDeps } from './service-deps';

/**
 * Trusted contacts (PRODUCT.md §3): the trustor invites, the contact answers, either ends it.
 * Decides who may do what and who is told; every change goes through the store as one
 * conditional transaction with its audit record and notices, so doubled or raced actions have
 * one outcome.
 */
export function trustLinkService(deps: TrustLinkDeps) {
  return {
    overview: (userId: number) => overview(deps, userId),
    invitationLimit: (userId: number) => invitationLimit(deps, userId),
    invite: (userId: number, name: string, phone: string) => invite(deps, userId, name, phone),
    resendInvitation: (userId: number, linkId: string) => resendInvitation(deps, userId, linkId),
    cancelInvitation: (userId: number, linkId: string) => cancelInvitation(deps, userId, linkId),
    answerInvitation: (userId: number, linkId: string, accept: boolean) =>
      answerInvitation(deps, userId, linkId, accept),
    endRelationship: (userId: number, linkId: string) => endRelationship(deps, userId, linkId),
    onLinked: (accountId: string) => onLinked(deps, accountId),
    endAllOf: (accountId: string, reason: 'unlinked' | 'blocked') => endAllOf(deps, accountId, reason),
    sweep: (at: Date = deps.clock.now()) => sweepLinks(deps, at),
  };
}
