import { eq } from 'drizzle-orm';
import { isScenario, type Scenario } from '../../core/digital-id/scenarios';
import type { Database } from '../database';
import { verifierDesks } from '../schema';

/** The scenario each verifier in the bot is checking, kept across restarts like a till's mode. */
export function verifierDeskRepository(db: Database) {
  return {
    async choose(messengerUserId: number, scenario: Scenario): Promise<void> {
      await db
        .insert(verifierDesks)
        .values({ messengerUserId, scenario })
        .onConflictDoUpdate({
          target: verifierDesks.messengerUserId,
          set: { scenario, chosenAt: new Date() },
        });
    },
    async scenarioOf(messengerUserId: number): Promise<Scenario | null> {
      const [row] = await db
        .select({ scenario: verifierDesks.scenario })
        .from(verifierDesks)
        .where(eq(verifierDesks.messengerUserId, messengerUserId));
      return row && isScenario(row.scenario) ? row.scenario : null;
    },
  };
}

export type VerifierDeskRepository = ReturnType<typeof verifierDeskRepository>;
