import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliConfig } from '../../app/cli/open-cli-database';
import { CONFIG_KEYS, parseConfig } from '../../app/config';
import { ROOT } from '../support/run-process';

type Service = { build?: string; environment?: Record<string, string>; command?: string[] };

/** What compose would pass for `${VAR:?…}` (a value the operator must give) and `${VAR:-default}`. */
function substitute(value: string): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    if (kind === '-') return rest ?? '';
    return EXAMPLES[name] ?? `example-${name.toLowerCase()}`;
  });
}

/** Plausible values for what the operator must set, so the configuration can be parsed. */
const EXAMPLES: Record<string, string> = {
  POSTGRES_PASSWORD: 'secret',
  PUBLIC_URL: 'https://id.example.ru',
  KEY_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef',
  SMS_HTTP_URL: 'https://sms.example.ru/send',
};

describe('docker-compose.yml', async () => {
  const compose = parse(await readFile(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const roles = ['bot', 'api', 'worker'];

  it('runs PostgreSQL, Redis (AOF, noeviction), one migration, and every role as its own process', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'bot',
      'migrate',
      'postgres',
      'redis',
      'worker',
    ]);
    expect(compose.services.redis?.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
    expect(roles.map((r) => compose.services[r]?.environment?.ROLES)).toEqual(roles);
  });

  it('lets the operator name the proxy in front of the api, and give /metrics a port', () => {
    const api = compose.services.api?.environment ?? {};
    expect(api.TRUST_PROXY).toMatch(/^\$\{TRUST_PROXY:-\}$/);
    expect(api.METRICS_PORT).toMatch(/^\$\{METRICS_PORT:-\}$/);
  });

  it.each(['bot', 'api', 'worker', 'migrate'])(
    'sets for %s only variables the configuration knows, enough to start',
    (name) => {
      const environment = Object.fromEntries(
        Object.entries(compose.services[name]?.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]),
      );
      expect(Object.keys(environment).filter((k) => !(CONFIG_KEYS as string[]).includes(k))).toEqual([]);
      // Each throws, listing every missing or malformed variable, if the compose file lacks a required one.
      if (name === 'migrate') {
        expect(cliConfig(environment).storage.kind).toBe('postgres');
        return;
      }
      const config = parseConfig(environment);
      expect([...config.roles]).toEqual([name]);
      expect(config.storage.kind).toBe('postgres');
    },
  );
});

/** The Dockerfile's stages: each FROM line, and the instructions up to the next one. */
function stages(dockerfile: string): { from: string; lines: string[] }[] {
  const found: { from: string; lines: string[] }[] = [];
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  for (const line of instructions) {
    if (line.startsWith('FROM ')) found.push({ from: line, lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

describe('Dockerfile', async () => {
  const all = stages(await readFile(`${ROOT}Dockerfile`, 'utf8'));
  const build = all[0]!;
  const final = all.at(-1)!;

  it('builds and runs on Node 24 LTS', () => {
    expect(all.map((s) => s.from.split(' ')[1])).toEqual(['node:24-bookworm-slim', 'node:24-bookworm-slim']);
  });

  it('compiles in a stage of its own, and keeps only the production dependencies', () => {
    expect(build.lines).toContain(
      'RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund',
    );
  });

  it('runs the compiled service with plain node, from the compiled code and production dependencies only', () => {
    expect(final.lines).toContain('CMD ["node", "dist/app/main.js"]');
    // No COPY from the build context: no sources, no dev tooling, nothing but what the build stage made.
    const copies = final.lines.filter((line) => /^(COPY|ADD) /.test(line));
    expect(copies).toEqual([
      'COPY --from=build /app/package.json ./',
      'COPY --from=build /app/node_modules ./node_modules',
      'COPY --from=build /app/dist ./dist',
    ]);
    expect(final.lines.join('\n')).not.toMatch(/tsx|\.ts\b/);
    expect(final.lines).toContain('ENV NODE_ENV=production');
    expect(final.lines).toContain('USER node');
  });

  it('is what compose runs, and compose runs only compiled entry points that exist as sources', async () => {
    const compose = parse(await readFile(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
      services: Record<string, Service>;
    };
    const built = Object.entries(compose.services).filter(([, service]) => service.build === '.');
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'bot', 'migrate', 'worker']);
    for (const [, { command }] of built) {
      if (!command) continue;
      const [node, script, ...rest] = command;
      expect([node, rest]).toEqual(['node', []]);
      expect(script).toMatch(/^dist\/.+\.js$/);
      expect(existsSync(`${ROOT}${script!.replace(/^dist\//, '').replace(/\.js$/, '.ts')}`)).toBe(true);
    }
  });
});
