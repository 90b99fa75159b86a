import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONFIG_KEYS, parseConfig } from '../../app/config';
import { ROOT } from '../support/run-process';

type Service = { environment?: Record<string, string>; command?: string[] };

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
      if (name === 'migrate') return;
      // Throws, listing every missing or malformed variable, if the compose file lacks a required one.
      const config = parseConfig(environment);
      expect([...config.roles]).toEqual([name]);
      expect(config.storage.kind).toBe('postgres');
    },
  );
});
