import { readFileSync } from 'node:fs';
import accepts from '@fastify/accepts';
import type { FastifyInstance } from 'fastify';
import { SCENARIOS } from '../core/digital-id/scenarios';
import { LOCALES, type Locale, localeFor } from '../core/messaging/locale';
import { browserScript } from './browser-script';
import { escapeHtml } from './html';

/** The page's words, by the name the page's script knows them by: all in the bot's locales. */
const PAGE_WORDS = [
  'title',
  'loading',
  'pick',
  'refreshIn',
  'refreshing',
  'hint',
  'stop',
  'again',
  'backToChat',
  'noLaunchData',
  'unauthorized',
  'not_linked',
  'not_eligible',
  'underage',
  'no_biometrics',
  'scenario_not_held',
  'blocked',
  'ended',
  'failed',
] as const;

const localeKey = (word: string) =>
  `app-page-${word
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase()}`;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * GET /app/digital-id: the citizen's Mini App (PRODUCT.md §8). The page reads the launch data
 * from the URL fragment, so it needs no messenger script, and draws the QR itself with
 * `qrcode`'s encoder served from here: it loads nothing from outside the service.
 */
export async function registerDigitalIdPage(
  app: FastifyInstance,
  deps: { text(locale: Locale, key: string): string },
): Promise<void> {
  const assets: Record<string, string> = {
    'qrcode.js': browserScript('QRCodeLib', {
      create: 'qrcode/lib/core/qrcode.js',
      svg: 'qrcode/lib/renderer/svg-tag.js',
    }),
    'digital-id.js': readFileSync(new URL('./app-page/digital-id.js', import.meta.url), 'utf8'),
  };
  const words = Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      {
        ...Object.fromEntries(PAGE_WORDS.map((word) => [word, deps.text(locale, localeKey(word))])),
        scenarios: Object.fromEntries(SCENARIOS.map((s) => [s, deps.text(locale, `scenario-${s}`)])),
      },
    ]),
  );
  await app.register(async (scope) => {
    await scope.register(accepts);
    scope.get<{ Params: { name: string } }>('/app/assets/:name', async (req, reply) => {
      const script = assets[req.params.name];
      if (script === undefined) return reply.code(404).send({ reason: 'not_found' });
      return reply
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .type('text/javascript; charset=utf-8')
        .send(script);
    });
    scope.get('/app/digital-id', async (req, reply) => {
      const locale = localeFor(req.languages([...LOCALES]) || null);
      return reply
        .header('cache-control', 'no-store')
        .header('vary', 'accept-language')
        .header('referrer-policy', 'no-referrer')
        .header('x-robots-tag', 'noindex')
        .header('content-security-policy', CSP)
        .type('text/html; charset=utf-8')
        .send(page(locale, words[locale] as Record<string, unknown>, JSON.stringify({ locale, words })));
    });
  });
}

/** `<` escaped: the JSON sits inside a script element, where `</script>` would end it. */
const scriptJson = (json: string) => json.replaceAll('<', '\\u003c');

function page(locale: Locale, own: Record<string, unknown>, json: string): string {
  const { title, loading } = own as { title: string; loading: string };
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  :root { --bg: #ffffff; --text: #1b1f24; --hint: #5f6b7a; --button: #2481cc; --button-text: #ffffff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
  main { max-width: 28rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.4rem; margin: .25rem 0 1rem; }
  button { display: block; width: 100%; margin: .5rem 0; padding: .85rem 1rem; border: 0; border-radius: .75rem; font: inherit; cursor: pointer; background: var(--button); color: var(--button-text); }
  button.secondary { background: transparent; color: var(--button); box-shadow: inset 0 0 0 2px var(--button); }
  .qr { background: #ffffff; border-radius: 1rem; padding: .5rem; margin: 0 auto; width: min(100%, 20rem); }
  .qr svg { display: block; width: 100%; height: auto; }
  .countdown { text-align: center; font-variant-numeric: tabular-nums; margin: .75rem 0 .25rem; }
  .hint, .message { color: var(--hint); }
  .message { font-size: 1.1rem; color: var(--text); }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
  <h1 id="title">${escapeHtml(title)}</h1>
  <p id="loading">${escapeHtml(loading)}</p>
  <section id="pick" hidden><p id="pick-label"></p><div id="scenarios"></div></section>
  <section id="code" hidden>
    <p id="code-scenario"></p>
    <div class="qr" id="qr" role="img"></div>
    <p class="countdown" id="countdown" aria-live="polite"></p>
    <p class="hint" id="hint"></p>
    <button type="button" class="secondary" id="stop"></button>
  </section>
  <section id="notice" hidden>
    <p class="message" id="message"></p>
    <button type="button" id="again" hidden></button>
    <button type="button" class="secondary" id="back" hidden></button>
  </section>
</main>
<script type="application/json" id="words">${scriptJson(json)}</script>
<script src="/app/assets/qrcode.js"></script>
<script type="module" src="/app/assets/digital-id.js"></script>
</body>
</html>
`;
}
