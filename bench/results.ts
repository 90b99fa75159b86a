import { mkdir, readFile, writeFile } from 'node:fs/promises';

export interface Figure {
  value: number;
  unit: string;
  /** e.g. ">= 300" or "<= 1000"; the bench says whether the value meets it. */
  target: string;
}

const FILE = '.bench/results.json';

export function meets(figure: Figure): boolean {
  const [op, bound] = figure.target.split(' ') as [string, string];
  return op === '>=' ? figure.value >= Number(bound) : figure.value <= Number(bound);
}

/** Prints each figure beside its target and merges them into .bench/results.json. */
export async function report(figures: Record<string, Figure>): Promise<void> {
  for (const [name, f] of Object.entries(figures)) {
    const verdict = meets(f) ? 'ok' : 'MISSED';
    process.stdout.write(
      `${name.padEnd(28)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)} target ${f.target.padEnd(10)} ${verdict}\n`,
    );
  }
  await mkdir('.bench', { recursive: true });
  const previous = await readFile(FILE, 'utf8').then(JSON.parse, () => ({}));
  await writeFile(FILE, `${JSON.stringify({ ...previous, ...figures }, null, 2)}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
