#!/usr/bin/env node
// `npm run build [-- --outdir DIR]`: compiles the service and its command-line tools to plain
// JavaScript in dist/ (or DIR), for `node dist/app/main.js` without tsx or any dev dependency.
//
// The output mirrors the source tree, one .js per source file at the same path, rather than one
// bundle per entry point: code finds its files relative to itself (`new URL('./locales',
// import.meta.url)`), which a bundle would move. Those files are copied beside the compiled code,
// found by that same expression, so a new one needs no change here. Packages stay imports of
// node_modules; the sources' extensionless relative imports get the `.js` Node needs.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The service and every command-line tool (helpers in app/cli/ compile as entries too, harmlessly). */
const ENTRY_POINTS = [
  'app/main.ts',
  ...readdirSync(join(ROOT, 'app/cli'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `app/cli/${name}`),
];

/** Node 20.18 is the oldest `engines` allows; the image runs 24. */
const TARGET = 'node20.18';

const SELF_RELATIVE = /new URL\(\s*(['"])(\.{1,2}\/[^'"]*)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Compiles into `outdir` (emptied first); returns the source files compiled and the files copied. */
async function buildService(outdir) {
  const { sources, packages } = await reachableCode();
  const { dependencies } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  // The image installs only `dependencies`: a dev dependency imported at run time would fail there.
  const undeclared = packages.filter((name) => !name.startsWith('node:') && !(name in dependencies));
  if (undeclared.length > 0) throw new Error(`imported at run time but not in dependencies: ${undeclared}`);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: sources,
    outbase: '.',
    outdir,
    bundle: true,
    packages: 'external',
    plugins: [relativeImportsAsFiles],
    platform: 'node',
    format: 'esm',
    target: TARGET,
    logLevel: 'warning',
  });
  const assets = [...new Set(sources.flatMap(selfRelativeFiles))];
  for (const asset of assets) cpSync(join(ROOT, asset), join(outdir, asset), { recursive: true });
  // The compiled files are ES modules wherever dist/ is put, with or without the project's package.json.
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  return { sources, assets };
}

/** The source files the entry points import, directly or not, and the packages those import. */
async function reachableCode() {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: TARGET,
    write: false,
    metafile: true,
    outdir: 'unused',
    logLevel: 'warning',
  });
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports);
  const packages = imports.filter((i) => i.external).map((i) => packageName(i.path));
  return { sources: Object.keys(metafile.inputs).sort(), packages: [...new Set(packages)].sort() };
}

/** `@scope/name/sub` and `name/sub` to the name `dependencies` lists. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/**
 * Each entry is bundled alone: an import of another source file stays an import, of the file
 * that file compiles to (`./config` becomes `./config.js`, `./schema` `./schema/index.js`).
 */
const relativeImportsAsFiles = {
  name: 'relative-imports-as-files',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.?(\/|$)/ }, async (args) => {
      if (args.kind === 'entry-point' || args.pluginData === 'resolving') return undefined;
      const resolved = await esbuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      let path = relative(dirname(args.importer), resolved.path).replace(/\.ts$/, '.js');
      if (!path.startsWith('.')) path = `./${path}`;
      return { path, external: true };
    });
  },
};

/** What a source file reads relative to itself, as paths from the project root. */
function selfRelativeFiles(source) {
  const text = readFileSync(join(ROOT, source), 'utf8');
  return [...text.matchAll(SELF_RELATIVE)].map((match) => {
    const target = relative(ROOT, resolve(ROOT, dirname(source), match[2]));
    if (!existsSync(join(ROOT, target))) throw new Error(`${source} reads ${match[2]}, which does not exist`);
    return target;
  });
}

const at = process.argv.indexOf('--outdir');
const outdir = at === -1 ? join(ROOT, 'dist') : resolve(process.argv[at + 1] ?? '');
const { sources, assets } = await buildService(outdir);
console.log(`Compiled ${sources.length} files to ${outdir}; copied ${assets.join(', ')}`);
