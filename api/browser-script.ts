import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';

const REQUIRE = /\brequire\(\s*(['"])([^'"]+)\1\s*\)/g;

/**
 * CommonJS modules from node_modules as one script a browser runs, so a page loads nothing from
 * outside the service. Each file reached through `require('…')` from `entries` is wrapped in a
 * function, and a small `require` joins them; the entries' exports become `globalThis[name]`.
 * Only packages written for the browser as well fit: a Node built-in is refused.
 */
export function browserScript(globalName: string, entries: Record<string, string>): string {
  const resolveFrom = (from: string, specifier: string) => {
    const file = createRequire(from).resolve(specifier);
    if (!isAbsolute(file)) throw new Error(`${specifier} (from ${from}) is a Node built-in`);
    return file;
  };
  const ids = new Map<string, number>();
  const modules: string[] = [];
  const visit = (file: string): number => {
    const known = ids.get(file);
    if (known !== undefined) return known;
    const id = modules.push('') - 1;
    ids.set(file, id);
    const source = readFileSync(file, 'utf8').replace(
      REQUIRE,
      (_call, _quote, specifier: string) => `require(${visit(resolveFrom(file, specifier))})`,
    );
    modules[id] = `function (module, exports, require) {\n${source}\n}`;
    return id;
  };
  const exposed = Object.entries(entries)
    .map(
      ([name, specifier]) =>
        `${JSON.stringify(name)}: require(${visit(resolveFrom(import.meta.url, specifier))})`,
    )
    .join(',\n');
  return `(() => {
const defs = [\n${modules.join(',\n')}\n];
const cache = [];
const require = (id) => {
  if (!cache[id]) {
    cache[id] = { exports: {} };
    defs[id](cache[id], cache[id].exports, require);
  }
  return cache[id].exports;
};
globalThis[${JSON.stringify(globalName)}] = {\n${exposed}\n};
})();
`;
}
