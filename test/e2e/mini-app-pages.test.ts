import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFrom } from '../support/http-from';
import { startTestService, type TestService } from '../support/service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

/** A page as a browser, or a client that says any Host it likes, asks for it. */
const get = (path: string, headers: Record<string, string> = {}) =>
  requestFrom('127.0.0.1', `${t.service.httpUrl}${path}`, { headers });

/** What the page's script is given besides words. */
const configOf = (html: string) => {
  const json = /<script type="application\/json" id="words">(.*?)<\/script>/s.exec(html)?.[1];
  return (JSON.parse(json ?? '{}') as { config: Record<string, unknown> }).config;
};

describe("the scanner page's idea of a Digital ID", () => {
  it('is the service’s own address, whatever Host the client sends', async () => {
    const forged = await get('/app/scan', { host: 'evil.example' });
    expect(configOf(forged.text)).toEqual({ digitalIdPrefix: `${t.service.publicUrl}/v/` });
  });
});

describe("the pages' own addresses", () => {
  it.each(['/app/digital-id', '/app/scan', '/app'])(
    '%s names its scripts relative to itself, so the service works behind a path',
    async (path) => {
      const { status, text } = await get(path);
      expect(status).toBe(200);
      const sources = [...text.matchAll(/<script[^>]* src="([^"]+)"/g)].map((m) => m[1]);
      expect(sources.length).toBeGreaterThan(0);
      for (const src of sources) {
        expect(src).toMatch(/^(app\/)?assets\/[\w.-]+\.js$/);
        // Resolved as the browser does, each is served.
        expect((await get(new URL(src!, `http://x${path}`).pathname)).status).toBe(200);
      }
      expect(text).not.toMatch(/(src|href)="\//);
    },
  );
});

/** The content-security-policy header as directives, each with its sources. */
const cspOf = (header: unknown) =>
  Object.fromEntries(
    String(header)
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );

describe("the pages' content security policy", () => {
  it.each([
    ['/app/digital-id', false],
    ['/app/scan', true],
    ['/app', false],
  ])('%s runs only the service’s own scripts (WebAssembly: %s) and talks only to it', async (path, wasm) => {
    const csp = cspOf((await get(path)).headers['content-security-policy']);
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(wasm ? ["'self'", "'wasm-unsafe-eval'"] : ["'self'"]);
    expect(csp['script-src']).not.toContain("'unsafe-eval'");
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
  });
});
