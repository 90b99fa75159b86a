import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Figure, RESULTS_FILE } from './results';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Side {
  label: string;
  dir: string;
  /** Each figure's values, one per round. */
  values: Map<string, number[]>;
  units: Map<string, Figure>;
}

/** The commit `ref` names, or null when it names none. */
export function resolveRef(ref: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/**
 * `npm run bench -- --compare REF [NAME…]`: the same benches on REF (checked out into a
 * temporary worktree) and on this working tree, interleaved A B B A … so that a neighbour's
 * load falls on both alike, then every figure both print side by side with the ratio. An old
 * REF prints fewer figures (no cost figures): only those both print are compared.
 */
export async function compare(commit: string, ref: string, names: string[], rounds: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-compare-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, stdio: 'ignore' });
  git('worktree', 'add', '--detach', dir, commit);
  try {
    await install(dir);
    const base: Side = { label: ref, dir, values: new Map(), units: new Map() };
    const head: Side = { label: 'working tree', dir: ROOT, values: new Map(), units: new Map() };
    for (const name of names) {
      for (let round = 0; round < rounds; round++) {
        // A B, then B A: a load that grows or fades through the run favours neither.
        for (const side of round % 2 === 0 ? [base, head] : [head, base]) await runOnce(side, name);
      }
    }
    process.stdout.write(sideBySide(base, head));
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
    git('worktree', 'prune');
  }
}

/** The ref's dependencies: this tree's when the lockfiles match (no install), else `npm ci`. */
async function install(dir: string): Promise<void> {
  const lock = (at: string) => readFile(join(at, 'package-lock.json'), 'utf8').catch(() => '');
  if (existsSync(join(ROOT, 'node_modules')) && (await lock(dir)) === (await lock(ROOT))) {
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return;
  }
  process.stdout.write(`installing the dependencies of ${dir} (its lockfile differs)\n`);
  await run('npm', ['ci', '--no-audit', '--no-fund'], dir);
}

async function runOnce(side: Side, name: string): Promise<void> {
  process.stdout.write(`\n=== ${name} on ${side.label} ===\n`);
  const file = join(side.dir, RESULTS_FILE);
  await rm(file, { force: true });
  const code = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', name], side.dir);
  if (code !== 0) process.stdout.write(`(${name} on ${side.label} exited with ${code})\n`);
  const figures = await readFigures(file);
  for (const [figure, f] of Object.entries(figures)) {
    side.units.set(figure, f);
    side.values.set(figure, [...(side.values.get(figure) ?? []), f.value]);
  }
}

/** Both shapes of the file: today's `{ …, figures }`, and older runs' flat map of figures. */
async function readFigures(file: string): Promise<Record<string, Figure>> {
  const parsed = await readFile(file, 'utf8').then(JSON.parse, () => ({}));
  return (parsed.figures ?? parsed) as Record<string, Figure>;
}

function run(command: string, args: string[], cwd: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * Within 5 % is a tie: two runs of one commit differ by that much on a quiet machine. Otherwise
 * the target's direction says which way is better (">=" wants more, "<=" less); a figure only
 * shown has no direction, and its change is only told.
 */
function verdictOf(target: string, ratio: number): string {
  if (Math.abs(ratio - 1) < 0.05) return '≈';
  if (target.startsWith('>=')) return ratio > 1 ? 'better' : 'worse';
  if (target.startsWith('<=')) return ratio < 1 ? 'better' : 'worse';
  return ratio > 1 ? 'more' : 'less';
}

/** One line per figure both sides printed: the medians of the rounds, and head ÷ base. */
function sideBySide(base: Side, head: Side): string {
  const lines = [
    `\n${'figure'.padEnd(30)} ${base.label.slice(0, 14).padStart(14)} ${head.label.slice(0, 14).padStart(14)} unit    ratio\n`,
  ];
  for (const [name, headValues] of head.values) {
    const baseValues = base.values.get(name);
    if (!baseValues) continue;
    const [b, h] = [median(baseValues), median(headValues)];
    const figure = head.units.get(name) as Figure;
    const ratio = b === 0 ? (h === 0 ? 1 : Number.POSITIVE_INFINITY) : h / b;
    const verdict = verdictOf(figure.target, ratio);
    lines.push(
      `${name.padEnd(30)} ${String(round2(b)).padStart(14)} ${String(round2(h)).padStart(14)} ${figure.unit.padEnd(7)} ${ratio.toFixed(2).padStart(6)}× ${verdict}\n`,
    );
  }
  const onlyHead = [...head.values.keys()].filter((name) => !base.values.has(name));
  if (onlyHead.length > 0) lines.push(`only on the working tree: ${onlyHead.join(', ')}\n`);
  return lines.join('');
}

const round2 = (n: number) => Math.round(n * 100) / 100;
