import { broadcastBench } from './broadcast.bench';
import { digitalIdCpuBench, digitalIdLoadBench } from './digital-id.bench';
import { foundationBench } from './foundation.bench';
import { refreshStormBench } from './refresh-storm.bench';
import { report } from './results';
import { trustedContactBench } from './trusted-contact.bench';
import { verifyApiBench, verifyOfflineBench } from './verification.bench';

/**
 * `npm run bench [-- NAME…]`: every figure the issues ask for, printed beside its target and
 * written to .bench/results.json. Needs the local PostgreSQL and Redis the tests use.
 * Names: foundation, digital-id-cpu, digital-id-load, refresh-storm, verify-cpu, verify-api,
 * trusted-contact, broadcast (all by default; the load run takes ~3 min, the others about a
 * minute or two each).
 */
const BENCHES: Record<string, { title: string; run: () => unknown }> = {
  foundation: { title: 'Foundation: outbox → BullMQ → sandbox, and bot replies', run: foundationBench },
  'digital-id-cpu': { title: 'Digital ID on one core: signing, QR, one refresh', run: digitalIdCpuBench },
  'digital-id-load': {
    title: 'Digital ID: 1,000 live sessions for 2 minutes (caps raised, see the source)',
    run: digitalIdLoadBench,
  },
  'refresh-storm': {
    title: 'Refresh-now storm: one person presses 20/s for 10 s among 1,000 live sessions',
    run: refreshStormBench,
  },
  'verify-cpu': { title: 'Verification on one core: the core function', run: verifyOfflineBench },
  'verify-api': {
    title: 'POST /api/v1/verify: 500 requests/s for 20 s, distinct valid tokens (per-key limit raised)',
    run: verifyApiBench,
  },
  'trusted-contact': {
    title: 'Recovery: 50 portal requests/s for 30 s, prompts pushed to contacts (caps raised)',
    run: trustedContactBench,
  },
  broadcast: {
    title: 'Broadcast: 1,000 people with the sandbox limit off; 300 at a 30/s limit',
    run: broadcastBench,
  },
};

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(BENCHES);
for (const name of chosen) {
  const bench = BENCHES[name];
  if (!bench) throw new Error(`no bench ${name}; the benches are ${Object.keys(BENCHES).join(', ')}`);
  process.stdout.write(`\n${bench.title}\n`);
  await report((await bench.run()) as Parameters<typeof report>[0]);
}
process.exit(0);
