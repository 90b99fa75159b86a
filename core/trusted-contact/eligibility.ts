import type { Account } from '../identity/account';
import { ageOn, type IsoDate } from '../identity/calendar';

export const TRUSTOR_MIN_AGE = 14;
export const CONTACT_MIN_AGE = 18;

export type TrustorRefusal = 'TC.NOT_LINKED' | 'TC.UNCONFIRMED' | 'TC.UNDER_14';

/** Who may name a trusted contact: a linked, confirmed account of a person aged 14 or more. */
export function trustorRefusal(account: Account | null, today: IsoDate): TrustorRefusal | null {
  if (!account) return 'TC.NOT_LINKED';
  if (!account.confirmed) return 'TC.UNCONFIRMED';
  if (ageOn(account.birthDate, today) < TRUSTOR_MIN_AGE) return 'TC.UNDER_14';
  return null;
}

/** Who may be one: a confirmed account of an adult who is not the trustor. */
export function canBeContact(contact: Account, trustor: Account, today: IsoDate): boolean {
  return contact.id !== trustor.id && contact.confirmed && ageOn(contact.birthDate, today) >= CONTACT_MIN_AGE;
}

/** "Анна С.": how one side names the other, never the full surname or any other detail. */
export const shortName = (account: Pick<Account, 'firstName' | 'lastName'>) =>
  `${account.firstName} ${[...account.lastName][0] ?? ''}.`;
