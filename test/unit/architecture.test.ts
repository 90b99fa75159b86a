import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-process';

async function sourceFiles(dir: string, extensions = ['.ts']): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? e.name === 'vendor' || e.name === 'migrations'
          ? []
          : sourceFiles(join(dir, e.name), extensions)
        : extensions.some((x) => e.name.endsWith(x))
          ? [join(dir, e.name)]
          : [],
    ),
  );
  return nested.flat();
}

const run = promisify(execFile);

/** The layer rule as README.md states it: what each folder may import, of ours. */
const LAYERS: Record<string, string[]> = {
  core: [],
  db: ['core'],
  infra: ['core'],
  sms: ['core', 'infra'],
  workers: ['core', 'db', 'infra'],
  bot: ['core', 'infra'],
  'bot/middleware': ['core', 'infra', 'db'],
  api: ['core', 'infra'],
  sandbox: ['core', 'infra'],
  app: ['core', 'db', 'infra', 'sms', 'workers', 'bot', 'api', 'sandbox'],
};
const FOLDERS = ['core', 'db', 'infra', 'sms', 'workers', 'bot', 'api', 'sandbox', 'app'];
const layerOf = (path: string) =>
  path.startsWith('bot/middleware/') ? 'bot/middleware' : (path.split('/')[0] as string);
const folderOf = (path: string) => path.split('/')[0] as string;

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(
    (m) => m[1] as string,
  );
}

describe('the dependency rule', () => {
  // Cryptography is computation, not I/O: core may use node:crypto and the noble libraries.
  const allowedInCore = (spec: string) => spec === 'node:crypto' || spec.startsWith('@noble/');

  it('keeps core free of frameworks, I/O libraries and adapters', async () => {
    const core = join(ROOT, 'core');
    const offences: string[] = [];
    for (const file of await sourceFiles(core)) {
      for (const spec of importsOf(await readFile(file, 'utf8'))) {
        const inside = spec.startsWith('.') && !relative(core, resolve(dirname(file), spec)).startsWith('..');
        if (!inside && !allowedInCore(spec)) offences.push(`${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('keeps Telegram specifics in the messenger adapter and the sandbox', async () => {
    const offences: string[] = [];
    for (const folder of ['core', 'db', 'workers', 'api']) {
      for (const file of await sourceFiles(join(ROOT, folder))) {
        if (importsOf(await readFile(file, 'utf8')).some((s) => s === 'grammy' || s.startsWith('grammy/'))) {
          offences.push(relative(ROOT, file));
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('lets each folder import only the folders below it, as the compiler reads the imports', async () => {
    // Independent of dependency-cruiser: TypeScript's pre-processor lists every import, export
    // from, dynamic import and type import, and the table above says which may cross folders.
    const offences: string[] = [];
    const edges = new Map<string, Set<string>>(FOLDERS.map((f) => [f, new Set<string>()]));
    for (const folder of FOLDERS) {
      for (const file of await sourceFiles(join(ROOT, folder), ['.ts', '.js'])) {
        const from = relative(ROOT, file);
        const { importedFiles } = ts.preProcessFile(await readFile(file, 'utf8'), true, true);
        for (const { fileName } of importedFiles) {
          if (!fileName.startsWith('.')) continue;
          const to = relative(ROOT, resolve(dirname(file), fileName));
          const target = folderOf(to);
          if (target === folderOf(from) || !FOLDERS.includes(target)) continue;
          edges.get(folderOf(from))?.add(target);
          if (!LAYERS[layerOf(from)]?.includes(target)) offences.push(`${from} imports ${to}`);
        }
      }
    }
    expect(offences).toEqual([]);
    // No cycle between folders: peel off folders that import no remaining folder.
    const left = new Set(FOLDERS);
    for (let peeled = true; peeled; ) {
      peeled = false;
      for (const f of left)
        if (![...(edges.get(f) ?? [])].some((t) => left.has(t))) {
          left.delete(f);
          peeled = true;
        }
    }
    expect([...left], 'folders on a cycle').toEqual([]);
  });

  it('keeps modules small: no source file outside the tests over 400 lines, no function over 80', async () => {
    const long: string[] = [];
    for (const folder of [...FOLDERS, 'bench', 'scripts'])
      for (const file of await sourceFiles(join(ROOT, folder), ['.ts', '.js', '.mjs'])) {
        const lines = (await readFile(file, 'utf8')).split('\n').length - 1;
        if (lines > 400) long.push(`${relative(ROOT, file)}: ${lines} lines`);
      }
    expect(long).toEqual([]);
    // biome.json sets complexity/noExcessiveLinesPerFunction to 80 lines outside test/ (`--only`
    // would ignore that override, so the whole lint runs and only this rule's findings are read).
    const biome = await run(
      join(ROOT, 'node_modules/.bin/biome'),
      ['lint', '--reporter=json', '--max-diagnostics=none', '.'],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const report = JSON.parse(biome.stdout) as {
      summary: { unchanged: number; changed: number };
      diagnostics: { category: string; location?: { path?: { file?: string } } }[];
    };
    // A lint that read nothing proves nothing.
    expect(report.summary.unchanged + report.summary.changed).toBeGreaterThan(200);
    const overlong = report.diagnostics
      .filter((d) => d.category === 'lint/complexity/noExcessiveLinesPerFunction')
      .map((d) => d.location?.path?.file);
    expect(overlong).toEqual([]);
  }, 120_000);

  it('lets each folder import only the folders below it, with no cycles (dependency-cruiser)', async () => {
    // The same check as `npm run lint`, so a test run catches an offence too.
    const { stdout } = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        '.',
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'json',
      ],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    type Violation = { from: string; to: string; rule: { name: string } };
    const found = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
    expect(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    // The README's picture of the same imports is current.
    await run(process.execPath, [join(ROOT, 'scripts/deps-graph.mjs'), '--check'], { cwd: ROOT });
  }, 120_000);
});
