import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procCpuMicros } from '../../bench/costs';
import { httpLoad } from '../../bench/http-load';

/** A server that counts what it was asked, refusing every tenth request it gets with 500. */
function countingServer() {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.authorization}`);
    const refused = seen.length % 10 === 0;
    res.writeHead(refused ? 500 : 200).end(refused ? 'no' : '{"qr":"x"}');
  });
  return { server, seen };
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

describe('the benches’ HTTP load', () => {
  const servers = [countingServer(), countingServer()];
  let urls: string[] = [];
  beforeAll(async () => {
    urls = await Promise.all(servers.map(({ server }) => listen(server)));
  });
  afterAll(() => Promise.all(servers.map(({ server }) => new Promise((r) => server.close(r)))));

  it('sends a fixed rate’s every request, alternating between the servers with each one’s headers, and counts the refusals', async () => {
    const load = httpLoad(urls, {
      connectionsPerServer: 4,
      next: (i) => ({ path: `/qr/${i}`, headers: { authorization: `tma person-${i}` } }),
      ok: (status, body) => status === 200 && body.startsWith('{"qr"'),
    });
    const result = await load.openLoop(100, 2);
    await load.close();
    expect(result.answered + result.failures).toBe(200);
    expect(result.failures).toBe(20);
    expect(result.latencies).toHaveLength(180);
    for (const [n, { seen }] of servers.entries()) {
      expect(seen).toHaveLength(100);
      expect(seen.every((line) => /^\/qr\/(\d+) tma person-\1$/.test(line))).toBe(true);
      expect(seen.every((line) => Number(/\d+/.exec(line)?.[0]) % 2 === n)).toBe(true);
    }
  });
});

describe('CPU time from /proc', () => {
  it('counts what a process has spent, and nothing for one that is gone', () => {
    const before = procCpuMicros([process.pid]);
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 200_000) Math.sqrt(Math.random());
    expect(procCpuMicros([process.pid]) - before).toBeGreaterThanOrEqual(150_000);
    expect(procCpuMicros([2 ** 22 + 1])).toBe(0);
  });
});
