#!/usr/bin/env node
// The npm registry reachable from this project's machines serves only some platforms' native
// binaries, so `npm install` leaves other platforms' optional packages out of package-lock.json
// and `npm ci` then calls the lock file out of sync. This adds each missing optional platform
// package as a lock entry with its os/cpu/libc, which npm skips on every other platform without
// fetching. Run it after `npm install` changes the lock file: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'win32',
  'sunos',
  'aix',
  'netbsd',
];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

function platformOf(name) {
  const base = name.split('/').pop();
  const os = OS.find((o) => base.split('-').includes(o));
  const cpu = CPU.find((c) => base.split('-').some((part) => part === c || part.startsWith(c)));
  if (!os || !cpu) return null;
  return {
    os: [os],
    cpu: [cpu],
    ...(base.includes('musl')
      ? { libc: ['musl'] }
      : base.includes('gnu') && os === 'linux'
        ? { libc: ['glibc'] }
        : {}),
  };
}

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[key] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[hoisted] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform entries to package-lock.json`);
