import type { Account } from '../identity/account';
import type { Notice } from '../messaging/notice';
import { TC_DATA } from './callback-data';
import { shortName } from './eligibility';
import type { RecoveryRequest, TrustLink } from './trusted-contact-store';

/**
 * What trusted contacts and recovery tell people: each notice is a text's key, its arguments and
 * buttons, addressed to an account, under a key that makes it one message however often written.
 * Pure: the services decide when, the store writes them with the change that caused them.
 */

/**
 * The invitation, with its answer buttons, to the contact. Its outbox key is the link's (sent once, whoever asks twice); a
 * resend at `resentAt` is a message of its own.
 */
export const invitationNotice = (link: TrustLink, trustor: Account, resentAt?: Date): Notice => ({
  accountId: link.contactAccountId as string,
  key: resentAt ? `tc-invite:${link.id}:${resentAt.getTime()}` : `tc-invite:${link.id}`,
  text: 'tc-invitation',
  vars: { trustor: shortName(trustor) },
  buttons: [
    [
      { text: 'tc-button-accept', data: TC_DATA.accept.build(link.id) },
      { text: 'tc-button-decline', data: TC_DATA.decline.build(link.id) },
    ],
  ],
});

/** The trustor hears the contact's answer, once whatever it was. */
export const invitationAnswered = (link: TrustLink, accepted: boolean): Notice => ({
  accountId: link.trustorAccountId,
  key: `tc-answer:${link.id}`,
  text: accepted ? 'tc-invitation-accepted' : 'tc-invitation-declined',
  vars: { name: link.contactName },
});

/** The contact hears they are one now. */
export const welcomeNotice = (link: TrustLink, trustor: Account): Notice => ({
  accountId: link.contactAccountId as string,
  key: `tc-welcome:${link.id}`,
  text: 'tc-now-contact',
  vars: { trustor: shortName(trustor) },
});

/** The previous contact, if the trustor had one, hears another took their place. */
export const replacedNotices = (replaced: TrustLink | null, trustor: Account): Notice[] =>
  replaced?.contactAccountId
    ? [
        {
          accountId: replaced.contactAccountId,
          key: `tc-replaced:${replaced.id}`,
          text: 'tc-replaced',
          vars: { trustor: shortName(trustor) },
        },
      ]
    : [];

export const invitationExpiredNotice = (link: TrustLink): Notice => ({
  accountId: link.trustorAccountId,
  key: `tc-expired:${link.id}`,
  text: 'tc-invitation-expired',
  vars: { name: link.contactName },
});

/** Both sides of an ended relationship hear why, except the one who ended it (`byAccountId`). */
export const relationshipEndedNotices = (
  link: TrustLink,
  reason: string,
  byAccountId: string | null,
): Notice[] =>
  [link.trustorAccountId, link.contactAccountId]
    .filter((accountId): accountId is string => accountId !== null && accountId !== byAccountId)
    .map((accountId) => ({
      accountId,
      key: `tc-ended:${link.id}:${accountId}`,
      text: accountId === link.trustorAccountId ? 'tc-ended-for-trustor' : 'tc-ended-for-contact',
      vars: { reason },
    }));

const decisionButtons = (request: RecoveryRequest) => [
  [
    { text: 'rc-button-approve', data: TC_DATA.approve.build(request.id) },
    { text: 'rc-button-deny', data: TC_DATA.deny.build(request.id) },
  ],
];

/** A new request: the contact is asked to decide, the trustor is told and may say it was not them. */
export const recoveryOpenedNotices = (request: RecoveryRequest, trustor: Account): Notice[] => [
  {
    accountId: request.contactAccountId,
    key: `rc:${request.id}:prompt`,
    text: 'rc-prompt',
    vars: { trustor: shortName(trustor) },
    buttons: decisionButtons(request),
  },
  {
    accountId: request.trustorAccountId,
    key: `rc:${request.id}:told`,
    text: 'rc-trustor-told',
    buttons: [[{ text: 'rc-button-not-me', data: TC_DATA.notMe.build(request.id) }]],
  },
];

/** Halfway through, the contact is asked again. */
export const recoveryReminderNotice = (request: RecoveryRequest, trustor: Account | null): Notice => ({
  accountId: request.contactAccountId,
  key: `rc:${request.id}:reminder`,
  text: 'rc-reminder',
  vars: { trustor: trustor ? shortName(trustor) : '' },
  buttons: decisionButtons(request),
});

/** Each side is told once (one key each), in words for why: a decision, or `why` the request ended. */
export const recoveryFinalNotices = (
  request: RecoveryRequest,
  why: string = request.status,
  trustor?: Account | null,
): Notice[] => [
  {
    accountId: request.trustorAccountId,
    key: `rc:${request.id}:final:trustor`,
    text: `rc-final-trustor-${why}`,
  },
  {
    accountId: request.contactAccountId,
    key: `rc:${request.id}:final:contact`,
    text: `rc-final-contact-${why}`,
    vars: { trustor: trustor ? shortName(trustor) : '—' },
  },
];

/** Requests their relationship's end closed: cancelled because of it, or expired already. */
export const recoveriesEndedNotices = (requests: RecoveryRequest[], trustor: Account | null): Notice[] =>
  requests.flatMap((r) =>
    recoveryFinalNotices(r, r.status === 'cancelled' ? 'link-ended' : r.status, trustor),
  );
