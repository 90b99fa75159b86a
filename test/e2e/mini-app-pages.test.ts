import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

interface Served {
  headers: Record<string, string | string[] | undefined>;
  html: string;
}

/** A page asked for as a browser, or a client that says any Host it likes, would ask. */
function get(path: string, headers: Record<string, string> = {}): Promise<Served> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.service.httpUrl}${path}`, { headers }, (res) => {
      let html = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        html += chunk;
      });
      res.on('end', () => resolve({ headers: res.headers, html }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the page's script is given besides words. */
const configOf = (html: string) => {
  const json = /<script type="application\/json" id="words">(.*?)<\/script>/s.exec(html)?.[1];
  return (JSON.parse(json ?? '{}') as { config: Record<string, unknown> }).config;
};

describe("the scanner page's idea of a Digital ID", () => {
  it('is the service’s own address, whatever Host the client sends', async () => {
    const forged = await get('/app/scan', { host: 'evil.example' });
    expect(configOf(forged.html)).toEqual({ digitalIdPrefix: `${t.service.publicUrl}/v/` });
  });
});
