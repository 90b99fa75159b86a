import { foundationBench } from './foundation.bench';
import { report } from './results';

/**
 * `npm run bench`: every figure the issues ask for, printed beside its target and written to
 * .bench/results.json. Needs the local PostgreSQL and Redis the tests use.
 */
process.stdout.write('Foundation (outbox → BullMQ → sandbox; bot replies through the sandbox)\n');
await report(await foundationBench());
