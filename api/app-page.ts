import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import accepts from '@fastify/accepts';
import type { FastifyInstance } from 'fastify';
import { LOCALES, type Locale, localeFor } from '../core/messaging/locale';
import { digitalIdPage } from './app-page/digital-id-page';
import { launcherPage } from './app-page/launcher-page';
import { scanPage } from './app-page/scan-page';
import { ASSETS_PATH, csp, type MiniAppPage, renderPage } from './app-page/shell';
import { browserScript } from './browser-script';

export interface MiniAppPagesDeps {
  text(locale: Locale, key: string): string;
  /**
   * The address the service's QRs carry: PUBLIC_URL, else this server's own, never the Host a
   * client sent, which it may set at will and which a proxy or a LAN address makes wrong.
   */
  publicUrl(): string;
}

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

const asset = (type: string, body: Buffer | string): Asset => {
  const bytes = Buffer.from(body);
  return { type, body: bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url')}"` };
};

const JS = 'text/javascript; charset=utf-8';
const pageScript = (name: string, url: URL) => [name, asset(JS, readFileSync(url))] as const;

/**
 * The pages' scripts, all served from here so a page loads nothing from outside the service:
 * their own, `qrcode`'s encoder packed for the browser, and ZXing's reader with its WebAssembly.
 */
function miniAppAssets(): Map<string, Asset> {
  const zxingWasm = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  return new Map([
    pageScript('mini-app.js', new URL('./app-page/mini-app.js', import.meta.url)),
    pageScript('digital-id.js', new URL('./app-page/digital-id.js', import.meta.url)),
    pageScript('scan.js', new URL('./app-page/scan.js', import.meta.url)),
    pageScript('launcher.js', new URL('./app-page/launcher.js', import.meta.url)),
    [
      'qrcode.js',
      asset(
        JS,
        browserScript('QRCodeLib', {
          create: 'qrcode/lib/core/qrcode.js',
          svg: 'qrcode/lib/renderer/svg-tag.js',
        }),
      ),
    ],
    // The package exports its browser build (global ZXingWASM) by no name: it sits beside the wasm.
    ['zxing-reader.js', asset(JS, readFileSync(join(dirname(zxingWasm), '../iife/reader/index.js')))],
    ['zxing_reader.wasm', asset('application/wasm', readFileSync(zxingWasm))],
  ]);
}

/**
 * The Mini Apps' pages (PRODUCT.md §8): the citizen's Digital ID, the cashier's scanner, and
 * /app, which sends a launch to either. Each reads the messenger's launch data from the URL
 * fragment, so it needs no messenger script, and speaks the bot's words.
 */
export async function registerMiniAppPages(app: FastifyInstance, deps: MiniAppPagesDeps): Promise<void> {
  const assets = miniAppAssets();
  await app.register(async (scope) => {
    await scope.register(accepts);
    scope.get<{ Params: { name: string } }>(`${ASSETS_PATH}/:name`, async (req, reply) => {
      const found = assets.get(req.params.name);
      if (found === undefined) return reply.code(404).send({ reason: 'not_found' });
      reply
        .header('cache-control', 'no-cache')
        .header('etag', found.etag)
        .header('x-content-type-options', 'nosniff');
      if (req.headers['if-none-match'] === found.etag) return reply.code(304).send();
      return reply.type(found.type).send(found.body);
    });
    for (const page of [digitalIdPage, scanPage, launcherPage]) servePage(scope, page, deps);
  });
}

function servePage(app: FastifyInstance, page: MiniAppPage, deps: MiniAppPagesDeps): void {
  const words = Object.fromEntries(
    LOCALES.map((locale) => [locale, page.words((key) => deps.text(locale, key))]),
  ) as Record<Locale, ReturnType<MiniAppPage['words']>>;
  app.get(page.path, async (req, reply) => {
    const locale = localeFor(req.languages([...LOCALES]) || null);
    const config = page.config?.(deps.publicUrl()) ?? {};
    return reply
      .header('cache-control', 'no-store')
      .header('vary', 'accept-language')
      .header('referrer-policy', 'no-referrer')
      .header('x-robots-tag', 'noindex')
      .header('content-security-policy', csp(page))
      .type('text/html; charset=utf-8')
      .send(renderPage(page, locale, words, config));
  });
}
