import type { Scenario } from '../digital-id/scenarios';

/** The scenario each verifier in the bot is checking, kept across restarts like a till's mode. */
export interface VerifierDesks {
  choose(messengerUserId: number, scenario: Scenario): Promise<void>;
  scenarioOf(messengerUserId: number): Promise<Scenario | null>;
}
