import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  value: number;
  unit: string;
  /** e.g. ">= 300" or "<= 1000"; the bench says whether the value meets it. SHOWN_ONLY: no target. */
  target: string;
}

/**
 * The target of a figure shown for context, never gated: a worst case one GC pause decides, or
 * the naive loop a ratio is measured against.
 */
export const SHOWN_ONLY = '—';

export interface Measured extends Figure {
  met: boolean;
}

/** What one `npm run bench` leaves in .bench/results.json: this run's figures only. */
export interface Results {
  commit: string;
  /** Whether the working tree differed from `commit`. */
  dirty: boolean;
  date: string;
  cpu: { model: string; cores: number };
  node: string;
  figures: Record<string, Measured>;
}

export const RESULTS_FILE = '.bench/results.json';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function meets(figure: Figure): boolean {
  if (figure.target === SHOWN_ONLY) return true;
  const [op, bound] = figure.target.split(' ') as [string, string];
  return op === '>=' ? figure.value >= Number(bound) : figure.value <= Number(bound);
}

/** Where and on what a run happens: the figures mean little without it. */
export function runContext(): Omit<Results, 'figures'> {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = git('rev-parse', 'HEAD');
    dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  } catch {
    // Not a git checkout (an unpacked archive): the figures still stand, unattributed.
  }
  const cores = cpus();
  return {
    commit,
    dirty,
    date: new Date().toISOString(),
    cpu: { model: cores[0]?.model.trim() ?? 'unknown', cores: cores.length },
    node: process.version,
  };
}

export function measured(figures: Record<string, Figure>): Record<string, Measured> {
  return Object.fromEntries(Object.entries(figures).map(([name, f]) => [name, { ...f, met: meets(f) }]));
}

/** One line per figure, beside its target. */
export function formatFigures(figures: Record<string, Measured>): string {
  return Object.entries(figures)
    .map(
      ([name, f]) =>
        `${name.padEnd(30)} ${String(f.value).padStart(10)} ${f.unit.padEnd(7)} target ${f.target.padEnd(10)} ${f.met ? 'ok' : 'MISSED'}\n`,
    )
    .join('');
}

/** Replaces the file: a run's results never mix with an earlier run's. */
export async function writeResults(file: string, results: Results): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
