import type { Clock } from '../clock';
import type { Account } from '../identity/account';
import type { AccountDirectory } from '../identity/account-linking';
import { moscowDate } from '../identity/calendar';
import { cleanDisplayName } from '../identity/display-name';
import { maskPhone, normalizeRussianPhone } from '../identity/phone';
import type { Notice } from '../messaging/notice';
import type { OtpService } from '../otp/otp-service';
import { TC_DATA } from './callback-data';
import { canBeContact, shortName, type TrustorRefusal, trustorRefusal } from './eligibility';
import type {
  Actor,
  Effects,
  EndedRecoveries,
  FinalRecoveryStatus,
  RecoveryRequest,
  TrustedContactStore,
  TrustLink,
} from './trusted-contact-store';

export interface TrustedContactSettings {
  invitationTtlSeconds: number;
  recoveryTtlSeconds: number;
  recoveryMaxPerDay: number;
  trustorsPerContact: number;
}

/**
 * The jobs a recovery needs besides its messages: a reminder, its expiry, the portal's callback.
 * Scheduling must not fail a decision already committed: the sweeper makes up for a lost job.
 */
export interface RecoveryJobs {
  scheduled(request: RecoveryRequest): Promise<void>;
  finished(request: RecoveryRequest): Promise<void>;
  /** Whether final statuses are posted to the portal at all (RECOVERY_CALLBACK_URL). */
  readonly callbacks: boolean;
}

/**
 * New invitations and resends a trustor may send an hour, each (PRODUCT.md §3): every one is a
 * message to another person, so one person must not flood another, nor fill their chat's pace.
 */
export const INVITATIONS_PER_HOUR = 3;

/** How long the sweeper keeps re-queueing a callback the portal has not acknowledged. */
const CALLBACK_RETRY_HOURS = 24;

export interface TrustedContactDeps {
  store: TrustedContactStore;
  accounts: AccountDirectory;
  otp: OtpService;
  clock: Clock;
  settings: TrustedContactSettings;
  jobs: RecoveryJobs;
  /** Queues the outbox rows a committed change wrote. */
  dispatch(effects: Effects): Promise<void>;
  /** The SMS carrying an approval code. */
  smsText(code: string): string;
}

export type InviteRefusal =
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

/** Why a press does nothing: told politely, nothing changes. */
export type PressRefusal = 'TC.NOT_YOURS' | 'TC.NOT_PENDING' | 'TC.CONTACT_FULL' | 'TC.NOT_ELIGIBLE';

const MS = 1000;

/**
 * Trusted contacts and assisted recovery (PRODUCT.md §3, §5). Decides who may do what and who
 * is told; every change goes through the store as one conditional transaction with its audit
 * record and notices, so doubled or raced actions have one outcome.
 */
export function trustedContactService(deps: TrustedContactDeps) {
  const { store, accounts, settings } = deps;
  const now = () => deps.clock.now();
  const today = () => moscowDate(now());
  const done = async <T extends Effects | null | { outboxIds?: string[] }>(result: T): Promise<T> => {
    if (result && 'outboxIds' in result && result.outboxIds)
      await deps.dispatch({ outboxIds: result.outboxIds });
    return result;
  };

  const invitationNotice = (link: TrustLink, trustor: Account, key: string): Notice => ({
    accountId: link.contactAccountId as string,
    key,
    text: 'tc-invitation',
    vars: { trustor: shortName(trustor) },
    buttons: [
      [
        { text: 'tc-button-accept', data: TC_DATA.accept.build(link.id) },
        { text: 'tc-button-decline', data: TC_DATA.decline.build(link.id) },
      ],
    ],
  });

  async function trustorOf(userId: number) {
    const account = await accounts.findLinkedTo(userId);
    const refusal = trustorRefusal(account, today());
    return refusal
      ? { ok: false as const, code: refusal }
      : { ok: true as const, account: account as Account };
  }

  /** The relationship's end committed: its messages go out, and the portal hears of the requests it ended. */
  async function settled<T extends (Effects & EndedRecoveries) | null>(result: T): Promise<T> {
    await done(result);
    for (const request of result?.endedRequests ?? []) await deps.jobs.finished(request);
    return result;
  }

  async function endLink(link: TrustLink, actor: Actor, reason: string, by: Account | null) {
    const trustor = await accounts.findById(link.trustorAccountId);
    const ended = await store.close(link.id, 'active', 'ended', now(), actor, reason, (l, endedRequests) => {
      const notices: Notice[] = [];
      for (const accountId of [l.trustorAccountId, l.contactAccountId]) {
        if (!accountId || accountId === by?.id) continue;
        notices.push({
          accountId,
          key: `tc-ended:${l.id}:${accountId}`,
          text: accountId === l.trustorAccountId ? 'tc-ended-for-trustor' : 'tc-ended-for-contact',
          vars: { reason },
        });
      }
      return [...notices, ...recoveryNotices.ended(endedRequests, trustor)];
    });
    return settled(ended);
  }

  const recoveryNotices = {
    opened: (r: RecoveryRequest, trustor: Account): Notice[] => [
      {
        accountId: r.contactAccountId,
        key: `rc:${r.id}:prompt`,
        text: 'rc-prompt',
        vars: { trustor: shortName(trustor) },
        buttons: [
          [
            { text: 'rc-button-approve', data: TC_DATA.approve.build(r.id) },
            { text: 'rc-button-deny', data: TC_DATA.deny.build(r.id) },
          ],
        ],
      },
      {
        accountId: r.trustorAccountId,
        key: `rc:${r.id}:told`,
        text: 'rc-trustor-told',
        buttons: [[{ text: 'rc-button-not-me', data: TC_DATA.notMe.build(r.id) }]],
      },
    ],
    /** Each side is told once (one key each), in words for why: a decision, or `why` the request ended. */
    final: (r: RecoveryRequest, why: string = r.status, trustor?: Account | null): Notice[] => [
      {
        accountId: r.trustorAccountId,
        key: `rc:${r.id}:final:trustor`,
        text: `rc-final-trustor-${why}`,
      },
      {
        accountId: r.contactAccountId,
        key: `rc:${r.id}:final:contact`,
        text: `rc-final-contact-${why}`,
        vars: { trustor: trustor ? shortName(trustor) : '—' },
      },
    ],
    /** Requests their relationship's end closed: cancelled because of it, or expired already. */
    ended: (requests: RecoveryRequest[], trustor: Account | null): Notice[] =>
      requests.flatMap((r) =>
        recoveryNotices.final(r, r.status === 'cancelled' ? 'link-ended' : r.status, trustor),
      ),
  };

  async function decide(requestId: string, to: FinalRecoveryStatus, actor: Actor) {
    const decided = await done(
      await store.decideRecovery(requestId, to, now(), actor, (r) => recoveryNotices.final(r)),
    );
    if (decided) await deps.jobs.finished(decided.request);
    return decided;
  }

  /** The request as it stands now: one past its time is expired, whoever looks first. */
  async function current(requestId: string): Promise<RecoveryRequest | null> {
    const request = await store.findRecovery(requestId);
    if (request?.status !== 'pending' || request.expiresAt > now()) return request;
    return (await decide(request.id, 'expired', 'system'))?.request ?? store.findRecovery(requestId);
  }

  /** A pending request this messenger user may act on as `role`. */
  async function pendingFor(userId: number, requestId: string, role: 'contact' | 'trustor') {
    const account = await accounts.findLinkedTo(userId);
    const request = await current(requestId);
    const own = role === 'contact' ? request?.contactAccountId : request?.trustorAccountId;
    if (!account || !request || own !== account.id)
      return { ok: false as const, code: 'TC.NOT_YOURS' as const };
    // An ex-contact never decides: the request ended with the relationship (the store checks again).
    const decidable =
      request.status === 'pending' &&
      (role === 'trustor' || (await store.findLink(request.trustLinkId))?.status === 'active');
    if (!decidable) return { ok: false as const, code: 'TC.NOT_PENDING' as const };
    return { ok: true as const, account, request };
  }

  return {
    settings,
    current,

    /** What /contact shows a trustor: their trusted contact, their open invitation, whom they help. */
    async overview(userId: number) {
      const account = await accounts.findLinkedTo(userId);
      if (!account) return { ok: false as const, code: 'TC.NOT_LINKED' as const };
      const [mine, helping] = await Promise.all([
        store.trustorView(account.id, now()),
        store.contactView(account.id),
      ]);
      const trustors = await Promise.all(
        helping.map(async (l) => ({ link: l, trustor: await accounts.findById(l.trustorAccountId) })),
      );
      return {
        ok: true as const,
        refusal: trustorRefusal(account, today()),
        ...mine,
        helping: trustors.map((t) => ({ linkId: t.link.id, name: t.trustor ? shortName(t.trustor) : '—' })),
      };
    },

    /**
     * When this person may send a new invitation, if not now: the form says so before asking
     * for anything, and `invite` checks again with the trustor locked.
     */
    async invitationLimit(userId: number): Promise<{ retryAt: Date; max: number } | null> {
      const account = await accounts.findLinkedTo(userId);
      const retryAt = account && (await store.nextInvitationAt(account.id, now(), INVITATIONS_PER_HOUR));
      return retryAt ? { retryAt, max: INVITATIONS_PER_HOUR } : null;
    },

    /**
     * The trustor names a contact. Whatever the number, the answer is the same "sent" (or, past
     * the hour's invitations, the same refusal): an invitation to a number that is no eligible
     * person's is kept, never delivered, and expires.
     */
    async invite(
      userId: number,
      nameInput: string,
      phoneInput: string,
    ): Promise<
      | { ok: true }
      | { ok: false; code: InviteRefusal }
      | { ok: false; code: 'TC.INVITE_LIMIT'; retryAt: Date; max: number }
    > {
      const trustor = await trustorOf(userId);
      if (!trustor.ok) return trustor;
      const name = cleanDisplayName(nameInput);
      if (!name.ok) return { ok: false, code: NAME_REFUSALS[name.problem] };
      const phone = normalizeRussianPhone(phoneInput);
      if (!phone) return { ok: false, code: 'TC.BAD_PHONE' };
      if (phone === trustor.account.phone) return { ok: false, code: 'TC.SELF' };
      const contact = await accounts.findConfirmedByPhone(phone);
      const { active } = await store.trustorView(trustor.account.id, now());
      if (contact && active?.contactAccountId === contact.id)
        return { ok: false, code: 'TC.ALREADY_CONTACT' };
      const deliverable =
        contact !== null &&
        canBeContact(contact, trustor.account, today()) &&
        (await store.contactView(contact.id)).length < settings.trustorsPerContact;
      const invitedAt = now();
      const created = await store.invite(
        {
          trustorAccountId: trustor.account.id,
          contactAccountId: deliverable ? contact.id : null,
          contactName: name.name,
          contactPhoneMasked: maskPhone(phone),
          invitedAt,
          expiresAt: new Date(invitedAt.getTime() + settings.invitationTtlSeconds * MS),
        },
        INVITATIONS_PER_HOUR,
        (link) =>
          link.contactAccountId ? [invitationNotice(link, trustor.account, `tc-invite:${link.id}`)] : [],
      );
      if (created.outcome === 'limited')
        return { ok: false, code: 'TC.INVITE_LIMIT', retryAt: created.retryAt, max: INVITATIONS_PER_HOUR };
      await done(created);
      return { ok: true };
    },

    async resendInvitation(userId: number, linkId: string) {
      const max = INVITATIONS_PER_HOUR;
      const trustor = await trustorOf(userId);
      if (!trustor.ok) return trustor;
      const at = now();
      const resent = await store.resend(
        linkId,
        trustor.account.id,
        at,
        new Date(at.getTime() + settings.invitationTtlSeconds * MS),
        max,
        (link) =>
          link.contactAccountId
            ? [invitationNotice(link, trustor.account, `tc-invite:${link.id}:${at.getTime()}`)]
            : [],
      );
      if (resent.outcome !== 'resent')
        return resent.outcome === 'limited'
          ? { ok: false as const, code: 'TC.RESEND_LIMIT' as const, max }
          : { ok: false as const, code: 'TC.NOT_PENDING' as const };
      await done(resent);
      return { ok: true as const, count: resent.count, max };
    },

    async cancelInvitation(userId: number, linkId: string) {
      const account = await accounts.findLinkedTo(userId);
      const link = await store.findLink(linkId);
      if (!account || link?.trustorAccountId !== account.id)
        return { ok: false as const, code: 'TC.NOT_YOURS' as const };
      const closed = await store.close(
        linkId,
        'invited',
        'cancelled',
        now(),
        { account: account.id },
        'cancelled by the trustor',
        () => [],
      );
      return closed ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
    },

    /** The contact answers an invitation; only the person it was delivered to may. */
    async answerInvitation(
      userId: number,
      linkId: string,
      accept: boolean,
    ): Promise<{ ok: true; trustor: string } | { ok: false; code: PressRefusal }> {
      const contact = await accounts.findLinkedTo(userId);
      const link = await store.findLink(linkId);
      if (!contact || !link || link.contactAccountId !== contact.id)
        return { ok: false, code: 'TC.NOT_YOURS' };
      const trustor = await accounts.findById(link.trustorAccountId);
      if (!trustor) return { ok: false, code: 'TC.NOT_PENDING' };
      const actor = { account: contact.id };
      const told = (text: string): Notice => ({
        accountId: trustor.id,
        key: `tc-answer:${link.id}`,
        text,
        vars: { name: link.contactName },
      });
      if (!accept) {
        const closed = await done(
          await store.close(link.id, 'invited', 'declined', now(), actor, 'declined by the contact', () => [
            told('tc-invitation-declined'),
          ]),
        );
        return closed ? { ok: true, trustor: shortName(trustor) } : { ok: false, code: 'TC.NOT_PENDING' };
      }
      if (!canBeContact(contact, trustor, today()) || trustorRefusal(trustor, today()))
        return { ok: false, code: 'TC.NOT_ELIGIBLE' };
      const accepted = await store.accept(
        link.id,
        contact.id,
        now(),
        settings.trustorsPerContact,
        (l, replaced, endedRequests) => [
          told('tc-invitation-accepted'),
          ...(replaced?.contactAccountId
            ? [
                {
                  accountId: replaced.contactAccountId,
                  key: `tc-replaced:${replaced.id}`,
                  text: 'tc-replaced',
                  vars: { trustor: shortName(trustor) },
                },
              ]
            : []),
          {
            accountId: contact.id,
            key: `tc-welcome:${l.id}`,
            text: 'tc-now-contact',
            vars: { trustor: shortName(trustor) },
          },
          ...recoveryNotices.ended(endedRequests, trustor),
        ],
      );
      if (accepted.outcome !== 'accepted')
        return {
          ok: false,
          code: accepted.outcome === 'contact_full' ? 'TC.CONTACT_FULL' : 'TC.NOT_PENDING',
        };
      await settled(accepted);
      return { ok: true, trustor: shortName(trustor) };
    },

    /** Either side ends an active relationship; the other is told. */
    async endRelationship(userId: number, linkId: string) {
      const account = await accounts.findLinkedTo(userId);
      const link = await store.findLink(linkId);
      if (!account || !link || (link.trustorAccountId !== account.id && link.contactAccountId !== account.id))
        return { ok: false as const, code: 'TC.NOT_YOURS' as const };
      const reason = link.trustorAccountId === account.id ? 'ended by the trustor' : 'ended by the contact';
      const ended = await endLink(link, { account: account.id }, reason, account);
      return ended ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
    },

    /** Invitations waiting for someone who just linked the bot reach them now. */
    async onLinked(accountId: string) {
      await done(
        await store.deliverPending(accountId, now(), async (link) => {
          const trustor = await accounts.findById(link.trustorAccountId);
          return trustor ? [invitationNotice(link, trustor, `tc-invite:${link.id}`)] : [];
        }),
      );
    },

    // ---- recovery ----

    async openRecovery(accountId: string) {
      const trustor = await accounts.findById(accountId);
      if (!trustor) return { outcome: 'unknown_account' as const };
      const at = now();
      const opened = await store.openRecovery(
        {
          trustorAccountId: accountId,
          now: at,
          ttlSeconds: settings.recoveryTtlSeconds,
          maxPerDay: settings.recoveryMaxPerDay,
          dayStart: moscowDayStart(at),
        },
        (r) => recoveryNotices.opened(r, trustor),
      );
      if (opened.outcome === 'created')
        await Promise.all([done(opened), deps.jobs.scheduled(opened.request)]);
      return opened;
    },

    /** Approve, step one: the contact gets a code by SMS to the phone confirmed on their account. */
    async startApproval(userId: number, requestId: string) {
      const own = await pendingFor(userId, requestId, 'contact');
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
    },

    /** Approve, step two: a correct code approves, if nothing else was decided first. */
    async approveWithCode(userId: number, requestId: string, challengeId: string, typed: string) {
      const own = await pendingFor(userId, requestId, 'contact');
      if (!own.ok) return own;
      const checked = await deps.otp.check({ challengeId, subject: requestId, typed });
      if (!checked.ok) return checked;
      const decided = await decide(requestId, 'approved', { account: own.account.id });
      return decided ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
    },

    async deny(userId: number, requestId: string) {
      const own = await pendingFor(userId, requestId, 'contact');
      if (!own.ok) return own;
      const decided = await decide(requestId, 'denied', { account: own.account.id });
      return decided ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
    },

    /** "It was not me": the trustor cancels at once. */
    async cancelByTrustor(userId: number, requestId: string) {
      const own = await pendingFor(userId, requestId, 'trustor');
      if (!own.ok) return own;
      const decided = await decide(requestId, 'cancelled', { account: own.account.id });
      return decided ? { ok: true as const } : { ok: false as const, code: 'TC.NOT_PENDING' as const };
    },

    /** The reminder job, halfway: only if the request still waits. */
    async remind(requestId: string) {
      const request = await current(requestId);
      if (request?.status !== 'pending') return false;
      const trustor = await accounts.findById(request.trustorAccountId);
      await done(
        await store.announce([
          {
            accountId: request.contactAccountId,
            key: `rc:${request.id}:reminder`,
            text: 'rc-reminder',
            vars: { trustor: trustor ? shortName(trustor) : '' },
            buttons: [
              [
                { text: 'rc-button-approve', data: TC_DATA.approve.build(request.id) },
                { text: 'rc-button-deny', data: TC_DATA.deny.build(request.id) },
              ],
            ],
          },
        ]),
      );
      return true;
    },

    /** The expiry job and the sweeper: a request past its time is closed and both sides told. */
    expire: (requestId: string) => current(requestId),

    /**
     * The sweeper: invitations past their time expire (the trustor is told), relationships whose
     * sides are no longer eligible or linked end (both are told), overdue requests expire.
     */
    async sweep() {
      const at = now();
      for (const link of await store.expiredInvitations(at)) {
        await done(
          await store.close(
            link.id,
            'invited',
            'expired',
            at,
            'system',
            'the invitation was not answered in time',
            (l) => [
              {
                accountId: l.trustorAccountId,
                key: `tc-expired:${l.id}`,
                text: 'tc-invitation-expired',
                vars: { name: l.contactName },
              },
            ],
          ),
        );
      }
      for (const link of await store.activeLinks()) {
        const reason = await ineligibility(link);
        if (reason) await endLink(link, 'system', reason, null);
      }
      for (const request of await store.pendingRecoveries())
        if (request.expiresAt <= at) await decide(request.id, 'expired', 'system');
      // A callback job lost with Redis is queued again (one id per request, so never twice at once).
      if (deps.jobs.callbacks)
        for (const request of await store.unacknowledged(
          new Date(at.getTime() - CALLBACK_RETRY_HOURS * 3600 * MS),
        ))
          await deps.jobs.finished(request);
    },

    /**
     * After Redis lost its jobs: each pending request's reminder and expiry are queued again
     * (one id per job, so one that still exists is not added twice). Returns how many.
     */
    async requeuePending() {
      const at = now();
      const pending = (await store.pendingRecoveries()).filter((r) => r.expiresAt > at);
      for (const request of pending) await deps.jobs.scheduled(request);
      return pending.length;
    },

    /** Someone unlinked the bot or was blocked: their relationships end now, the other sides are told. */
    async endAllOf(accountId: string, reason: 'unlinked' | 'blocked') {
      const [mine, helping] = await Promise.all([
        store.trustorView(accountId, now()),
        store.contactView(accountId),
      ]);
      for (const link of [...(mine.active ? [mine.active] : []), ...helping])
        await endLink(link, 'system', reason, null);
    },
  };

  async function ineligibility(link: TrustLink): Promise<string | null> {
    const [trustor, contact] = await Promise.all([
      accounts.findById(link.trustorAccountId),
      link.contactAccountId ? accounts.findById(link.contactAccountId) : null,
    ]);
    if (!trustor || !contact) return 'no longer in the registry';
    if (trustorRefusal(trustor, today()) || !canBeContact(contact, trustor, today()))
      return 'no longer eligible';
    const [trustorUser, contactUser] = await Promise.all([
      accounts.linkedUserOf(trustor.id),
      accounts.linkedUserOf(contact.id),
    ]);
    if (trustorUser === null || contactUser === null) return 'unlinked';
    return null;
  }
}

export type TrustedContactService = ReturnType<typeof trustedContactService>;

/** Midnight in Moscow (UTC+3, no daylight saving) of the instant's Moscow day. */
function moscowDayStart(at: Date): Date {
  return new Date(`${moscowDate(at)}T00:00:00+03:00`);
}
