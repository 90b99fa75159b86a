import type { IsoDate } from './calendar';

/** Statuses the state-services registry can hold for a person (PRODUCT.md §5). */
export const STATUS_KINDS = [
  'student',
  'large_family',
  'svo_participant',
  'svo_family_member',
  'pensioner',
] as const;
export type StatusKind = (typeof STATUS_KINDS)[number];

export interface AccountStatus {
  kind: StatusKind;
  validUntil: IsoDate | null;
}

/** A state-services (ESIA stand-in) account as imported from the registry. */
export interface Account {
  id: string;
  lastName: string;
  firstName: string;
  middleName: string | null;
  birthDate: IsoDate;
  phone: string;
  confirmed: boolean;
  biometrics: boolean;
  statuses: AccountStatus[];
}
