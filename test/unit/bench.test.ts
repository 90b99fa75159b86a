import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Results } from '../../bench/results';
import { type Bench, runBenches } from '../../bench/runner';
import { runScript } from '../support/run-process';

const met: Bench = {
  title: 'met',
  run: () => ({
    fast_per_s: { value: 500, unit: 'op/s', target: '>= 300' },
    cost_us: { value: 40, unit: 'µs', target: '<= 40' },
  }),
};
const missed: Bench = {
  title: 'missed',
  run: async () => ({ slow_ms: { value: 12.5, unit: 'ms', target: '<= 10' } }),
};

describe('npm run bench', () => {
  const dirs: string[] = [];
  const resultsFile = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    dirs.push(dir);
    return join(dir, '.bench', 'results.json');
  };
  const read = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Results;
  const quiet = { print: () => {} };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('writes the run: commit, date, CPU, and each figure with its target and whether it was met', async () => {
    const file = await resultsFile();
    await runBenches({ met, missed }, ['met', 'missed'], { file, check: false, ...quiet });
    const results = await read(file);
    expect(results.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(typeof results.dirty).toBe('boolean');
    expect(Date.parse(results.date)).not.toBeNaN();
    expect(results.cpu.model).not.toBe('');
    expect(results.cpu.cores).toBeGreaterThan(0);
    expect(results.node).toBe(process.version);
    expect(results.figures).toEqual({
      fast_per_s: { value: 500, unit: 'op/s', target: '>= 300', met: true },
      cost_us: { value: 40, unit: 'µs', target: '<= 40', met: true },
      slow_ms: { value: 12.5, unit: 'ms', target: '<= 10', met: false },
    });
  });

  it('replaces the previous run’s file instead of merging into it', async () => {
    const file = await resultsFile();
    await runBenches({ met, missed }, ['met'], { file, check: false, ...quiet });
    await runBenches({ met, missed }, ['missed'], { file, check: false, ...quiet });
    expect(Object.keys((await read(file)).figures)).toEqual(['slow_ms']);
  });

  it('--check exits non-zero when a figure misses its target, and 0 when all are met', async () => {
    const options = { file: await resultsFile(), check: true, ...quiet };
    expect(await runBenches({ met, missed }, ['met', 'missed'], options)).toBe(1);
    expect(await runBenches({ met, missed }, ['met'], options)).toBe(0);
    expect(await runBenches({ met, missed }, ['missed'], { ...options, check: false })).toBe(0);
  });

  it('--compare with a ref that names no commit says so and exits 2, before any bench runs', async () => {
    const run = await runScript('bench/run.ts', ['--compare', 'no-such-ref-for-bench', 'verify-cpu'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no commit is named no-such-ref-for-bench');
    expect(run.stdout).toBe('');
  });

  it('refuses a bench it does not know, naming the ones it has', async () => {
    const run = await runScript('bench/run.ts', ['no-such-bench'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no bench no-such-bench[\s\S]*digital-id-cpu/);
  });
});
