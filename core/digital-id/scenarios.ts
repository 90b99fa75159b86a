import type { Account, StatusKind } from '../identity/account';
import { ageOn, type IsoDate, isValidOn } from '../identity/calendar';

/** Scenario codes are part of token format v1: never renumber. */
export const SCENARIO_CODES = {
  adult: 1,
  student: 2,
  large_family: 3,
  svo_participant: 4,
  svo_family_member: 5,
  pensioner: 6,
} as const;

export type Scenario = keyof typeof SCENARIO_CODES;
export const SCENARIOS = Object.keys(SCENARIO_CODES) as Scenario[];

export function scenarioOfCode(code: number): Scenario | null {
  return SCENARIOS.find((s) => SCENARIO_CODES[s] === code) ?? null;
}

export const isScenario = (value: string): value is Scenario => (SCENARIOS as string[]).includes(value);

export const ADULT_AGE = 18;

export type DigitalIdRefusal = 'DIGITAL_ID.UNCONFIRMED' | 'DIGITAL_ID.UNDER_18' | 'DIGITAL_ID.NO_BIOMETRICS';

/**
 * Who may open a Digital ID (a confirmed account, 18 or older on the Moscow date, with
 * biometrics) and which scenarios they hold today: adult always, the rest from statuses
 * still valid.
 */
export function digitalIdEligibility(
  account: Account,
  today: IsoDate,
): { ok: true; scenarios: Scenario[] } | { ok: false; code: DigitalIdRefusal } {
  if (!account.confirmed) return { ok: false, code: 'DIGITAL_ID.UNCONFIRMED' };
  if (ageOn(account.birthDate, today) < ADULT_AGE) return { ok: false, code: 'DIGITAL_ID.UNDER_18' };
  if (!account.biometrics) return { ok: false, code: 'DIGITAL_ID.NO_BIOMETRICS' };
  const held = new Set<StatusKind>(
    account.statuses.filter((s) => isValidOn(s.validUntil, today)).map((s) => s.kind),
  );
  return { ok: true, scenarios: SCENARIOS.filter((s) => s === 'adult' || held.has(s as StatusKind)) };
}
