import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/run-process';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

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

  it('lets each folder import only the folders below it, with no cycles (dependency-cruiser)', async () => {
    // The same check as `npm run lint`, so a test run catches an offence too.
    const { stdout } = await promisify(execFile)(
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
  }, 60_000);
});
