import { eq } from 'drizzle-orm';
import { isScenario } from '../../core/digital-id/scenarios';
import type { VerifierDesks } from '../../core/verification/verifier-desks';
import type { Database } from '../database';
import { verifierDesks } from '../schema';

export function verifierDeskRepository(db: Database): VerifierDesks {
  return {
    async choose(messengerUserId, scenario) {
      await db
        .insert(verifierDesks)
        .values({ messengerUserId, scenario })
        .onConflictDoUpdate({
          target: verifierDesks.messengerUserId,
          set: { scenario, chosenAt: new Date() },
        });
    },
    async scenarioOf(messengerUserId) {
      const [row] = await db
        .select({ scenario: verifierDesks.scenario })
        .from(verifierDesks)
        .where(eq(verifierDesks.messengerUserId, messengerUserId));
      return row && isScenario(row.scenario) ? row.scenario : null;
    },
  };
}
