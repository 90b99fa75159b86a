import type { IssueOutcome } from '../otp/otp-policy';
import type { CheckOutcome, OtpService } from '../otp/otp-service';
import type { Account } from './account';

/** Where confirmed accounts are found, and which messenger user each is linked to. */
export interface AccountDirectory {
  findConfirmedByPhone(phone: string): Promise<Account | null>;
  findLinkedTo(messengerUserId: number): Promise<Account | null>;
  findById(accountId: string): Promise<Account | null>;
  /** The messenger user the account is linked to, if any. */
  linkedUserOf(accountId: string): Promise<number | null>;
}

export interface LinkStore {
  /** Links in one transaction; returns who had the account before (they are unlinked). */
  link(accountId: string, messengerUserId: number): Promise<{ previousUserId: number | null }>;
}

export type RequestCodeOutcome = IssueOutcome | { ok: false; code: 'LINK.NO_CONFIRMED_ACCOUNT' };

export type ConfirmOutcome =
  | { ok: true; account: Account; previousUserId: number | null }
  | Exclude<CheckOutcome, { ok: true }>
  | { ok: false; code: 'LINK.NO_CONFIRMED_ACCOUNT' };

const PURPOSE = 'link-account';

/**
 * Linking a messenger user to a state-services account: the person proves the account's
 * confirmed phone is theirs with a code sent to it by SMS.
 */
export function accountLinking(deps: { accounts: AccountDirectory; links: LinkStore; otp: OtpService }) {
  return {
    async requestCode(
      messengerUserId: number,
      phone: string,
      smsText: (code: string) => string,
    ): Promise<RequestCodeOutcome> {
      const account = await deps.accounts.findConfirmedByPhone(phone);
      if (!account) return { ok: false, code: 'LINK.NO_CONFIRMED_ACCOUNT' };
      return deps.otp.send({ purpose: PURPOSE, subject: String(messengerUserId), phone, message: smsText });
    },

    async confirm(
      messengerUserId: number,
      phone: string,
      challengeId: string,
      typed: string,
    ): Promise<ConfirmOutcome> {
      const checked = await deps.otp.check({ challengeId, subject: String(messengerUserId), typed });
      if (!checked.ok) return checked;
      // Looked up again: the registry may have changed while the code was on its way.
      const account = await deps.accounts.findConfirmedByPhone(phone);
      if (!account) return { ok: false, code: 'LINK.NO_CONFIRMED_ACCOUNT' };
      const { previousUserId } = await deps.links.link(account.id, messengerUserId);
      return {
        ok: true,
        account,
        previousUserId: previousUserId === messengerUserId ? null : previousUserId,
      };
    },

    linkedAccount: (messengerUserId: number) => deps.accounts.findLinkedTo(messengerUserId),
  };
}

export type AccountLinking = ReturnType<typeof accountLinking>;
