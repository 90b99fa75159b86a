import { type Figure, formatFigures, type Measured, measured, runContext, writeResults } from './results';

export interface Bench {
  title: string;
  run: () => Record<string, Figure> | Promise<Record<string, Figure>>;
}

/**
 * Runs the named benches in order, printing each figure beside its target, and rewrites `file`
 * after each bench with this run's figures so far (so an interrupted run leaves what it
 * measured, and never an earlier run's). Returns the exit code: 1 when `check` is set and a
 * figure missed its target, else 0.
 */
export async function runBenches(
  benches: Record<string, Bench>,
  names: string[],
  options: { file: string; check: boolean; print?: (text: string) => void },
): Promise<number> {
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const context = runContext();
  const figures: Record<string, Measured> = {};
  await writeResults(options.file, { ...context, figures });
  for (const name of names) {
    const bench = benches[name] as Bench;
    print(`\n${bench.title}\n`);
    const these = measured(await bench.run());
    print(formatFigures(these));
    Object.assign(figures, these);
    await writeResults(options.file, { ...context, figures });
  }
  const missed = Object.keys(figures).filter((name) => !figures[name]?.met);
  if (options.check && missed.length > 0) {
    print(`\n--check: ${missed.length} figure(s) missed their target: ${missed.join(', ')}\n`);
    return 1;
  }
  return 0;
}
