import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../app/config';
import { type Service, startService } from '../../app/service';
import { createLogger } from '../../infra/logger';
import { requestFrom } from '../support/http-from';
import { createTestDatabase } from '../support/postgres';
import { REDIS_URL, testQueuePrefix } from '../support/redis';

const TOKEN = randomBytes(24).toString('base64url');

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let queue: ReturnType<typeof testQueuePrefix>;
beforeAll(async () => {
  database = await createTestDatabase();
  queue = testQueuePrefix();
});
afterAll(async () => {
  await queue?.cleanup();
  await database?.drop();
});

/** An API process as deployed: no sandbox; `env` says the environment and the metrics' place. */
async function withApi(env: Record<string, string>, use: (service: Service, log: string[]) => Promise<void>) {
  const log: string[] = [];
  const config = parseConfig({
    ROLES: 'api',
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: queue.prefix,
    PORT: '0',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'https://id.example.test',
    ...env,
  });
  const service = await startService(
    config,
    createLogger('info', { write: (line: string) => log.push(line) }),
  );
  try {
    await use(service, log);
  } finally {
    await service.stop();
  }
}

/** This machine's address on its network (not loopback): where a neighbour would connect. */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this test needs a network interface besides loopback');
  return address;
}

const at = (url: string, host: string) => {
  const moved = new URL(url);
  moved.hostname = host;
  return moved.toString();
};
const scrape = (url: string, from: string, authorization?: string) =>
  requestFrom(from, url, authorization ? { headers: { authorization } } : {});

describe('/metrics', () => {
  it('in production on PORT, answers only to ADMIN_DASHBOARD_TOKEN (Bearer or Basic)', async () => {
    await withApi({ NODE_ENV: 'production', ADMIN_DASHBOARD_TOKEN: TOKEN }, async (service) => {
      const url = `${service.httpUrl}/metrics`;
      expect(service.metricsUrl).toBe(url);
      expect((await scrape(url, '127.0.0.1')).status).toBe(401);
      expect((await scrape(url, '127.0.0.1', 'Bearer not-the-token')).status).toBe(401);
      const bearer = await scrape(url, '127.0.0.1', `Bearer ${TOKEN}`);
      expect(bearer.status).toBe(200);
      expect(bearer.text).toContain('http_request_duration_seconds');
      const basic = `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`;
      expect((await scrape(url, '127.0.0.1', basic)).status).toBe(200);
    });
  });

  it('in production without a token or METRICS_PORT, is not served at all, and says so', async () => {
    await withApi({ NODE_ENV: 'production' }, async (service, log) => {
      expect(service.metricsUrl).toBeNull();
      expect((await scrape(`${service.httpUrl}/metrics`, '127.0.0.1')).status).toBe(404);
      expect(log.join('')).toContain('/metrics is not served: set METRICS_PORT');
    });
  });

  it('with METRICS_PORT in production, is served there to this host only, and not on PORT', async () => {
    await withApi(
      { NODE_ENV: 'production', METRICS_PORT: '0', ADMIN_DASHBOARD_TOKEN: TOKEN },
      async (service) => {
        const url = service.metricsUrl as string;
        expect(new URL(url).port).not.toBe(new URL(service.httpUrl).port);
        expect((await scrape(url, '127.0.0.1')).status).toBe(200);
        // From the network the metrics port is closed, while the API's port answers.
        const outside = externalAddress();
        await expect(scrape(at(url, outside), outside)).rejects.toThrow(/ECONNREFUSED/);
        expect((await scrape(at(`${service.httpUrl}/healthz`, outside), outside)).status).toBe(200);
        expect((await scrape(`${service.httpUrl}/metrics`, '127.0.0.1', `Bearer ${TOKEN}`)).status).toBe(404);
      },
    );
  });

  it('outside production, with METRICS_PORT, is served there on every interface', async () => {
    await withApi({ NODE_ENV: 'development', METRICS_PORT: '0' }, async (service) => {
      const outside = externalAddress();
      expect((await scrape(at(service.metricsUrl as string, outside), outside)).status).toBe(200);
      expect((await scrape(`${service.httpUrl}/metrics`, '127.0.0.1')).status).toBe(404);
    });
  });
});
