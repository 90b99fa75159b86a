import { compare, resolveRef } from './compare';
import { RESULTS_FILE } from './results';
import { type Bench, runBenches } from './runner';

/**
 * `npm run bench [-- [--check] NAME…]`: every figure the issues ask for, printed beside its
 * target and written to .bench/results.json (this run's only). `--check` exits 1 when a figure
 * misses its target. `npm run bench -- --compare REF [--rounds N] [NAME…]` runs the benches on
 * REF and on this tree, interleaved, and prints both side by side (bench/compare.ts).
 * Needs the local PostgreSQL and Redis the tests use. All benches by default; the load run
 * takes ~3 min, the others about a minute or two each.
 */
// Each bench's module is loaded when it runs: a usage error or --compare answers at once.
const BENCHES: Record<string, Bench> = {
  foundation: {
    title: 'Foundation: outbox → BullMQ → sandbox, and bot replies',
    run: async () => (await import('./foundation.bench')).foundationBench(),
  },
  'digital-id-cpu': {
    title: 'Digital ID on one core: signing, QR, one refresh, against a naive loop',
    run: async () => (await import('./digital-id.bench')).digitalIdCpuBench(),
  },
  'digital-id-load': {
    title: 'Digital ID: 1,000 live sessions for 2 minutes (caps raised, see the source)',
    run: async () => (await import('./digital-id.bench')).digitalIdLoadBench(),
  },
  'max-refresh': {
    title: 'MAX: 400 live sessions for 2 minutes, the limit at 30 requests/s with uploads (cap raised to 29)',
    run: async () => (await import('./max-refresh.bench')).maxRefreshBench(),
  },
  'refresh-storm': {
    title: 'Refresh-now storm: one person presses 20/s for 10 s among 1,000 live sessions',
    run: async () => (await import('./refresh-storm.bench')).refreshStormBench(),
  },
  'verify-cpu': {
    title: 'Verification on one core: the core function',
    run: async () => (await import('./verification.bench')).verifyOfflineBench(),
  },
  'verify-api': {
    title: 'POST /api/v1/verify: 500 requests/s for 20 s, distinct valid tokens (per-key limit raised)',
    run: async () => (await import('./verification.bench')).verifyApiBench(),
  },
  'trusted-contact': {
    title: 'Recovery: 50 portal requests/s for 30 s, prompts pushed to contacts (caps raised)',
    run: async () => (await import('./trusted-contact.bench')).trustedContactBench(),
  },
  'mini-app': {
    title: 'Mini App: GET …/qr with launch data, one API process and two, 4,000 app sessions',
    run: async () => (await import('./mini-app.bench')).miniAppBench(),
  },
  broadcast: {
    title: 'Broadcast: 1,000 people with the sandbox limit off; 300 at a 30/s limit',
    run: async () => (await import('./broadcast.bench')).broadcastBench(),
  },
};

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench -- [--check] [NAME…]\n` +
      `       npm run bench -- --compare GIT_REF [--rounds N] [NAME…]\n` +
      `benches: ${Object.keys(BENCHES).join(', ')}\n`,
  );
  process.exit(2);
}

function parse(args: string[]) {
  const options = {
    check: false,
    compare: undefined as string | undefined,
    rounds: 2,
    names: [] as string[],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--check') options.check = true;
    else if (arg === '--compare') options.compare = args[++i] ?? usage('--compare needs a git ref');
    else if (arg === '--rounds') options.rounds = Number(args[++i]);
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else if (!(arg in BENCHES)) usage(`no bench ${arg}`);
    else options.names.push(arg);
  }
  if (!Number.isInteger(options.rounds) || options.rounds < 1)
    usage('--rounds needs a whole number, 1 or more');
  if (options.names.length === 0) options.names = Object.keys(BENCHES);
  return options;
}

const options = parse(process.argv.slice(2));
if (options.compare !== undefined) {
  const commit = resolveRef(options.compare);
  if (!commit) usage(`--compare: no commit is named ${options.compare} in this repository`);
  process.exit(await compare(commit, options.compare, options.names, options.rounds));
}
process.exit(await runBenches(BENCHES, options.names, { file: RESULTS_FILE, check: options.check }));
