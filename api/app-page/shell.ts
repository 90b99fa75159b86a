import { posix } from 'node:path';
import { SCENARIOS } from '../../core/digital-id/scenarios';
import type { Locale } from '../../core/messaging/locale';
import { escapeHtml } from '../html';

/** Where the pages' scripts are served. */
export const ASSETS_PATH = '/app/assets';

/** A Mini App page: its markup and styles, its scripts (served at ASSETS_PATH) and its words. */
export interface MiniAppPage {
  path: string;
  /** The page's words by the name its script knows them by, each read from the bot's locales. */
  words(text: (key: string) => string): { title: string; loading: string } & Record<string, unknown>;
  style: string;
  /** What follows the title and the loading line; the script puts the words in. */
  body: string;
  /** Plain scripts (a library's global), then the page's module. */
  scripts: { classic?: string; module: string };
  /** What the script needs besides words, from the address the service's QRs carry. */
  config?(publicUrl: string): Record<string, unknown>;
  /** The scanner runs ZXing compiled to WebAssembly, which CSP allows only when asked. */
  wasm?: boolean;
}

/** A page's word as its locale key: `refreshIn` is `app-page-refresh-in`, `not_linked` `app-page-not-linked`. */
export const localeKey = (prefix: string, word: string) =>
  `${prefix}-${word
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replaceAll('_', '-')
    .toLowerCase()}`;

/** Words by name, each read from the locales as `${prefix}-${name in kebab case}`. */
export const wordsOf = <Name extends string>(
  text: (key: string) => string,
  prefix: string,
  names: readonly Name[],
) => Object.fromEntries(names.map((name) => [name, text(localeKey(prefix, name))])) as Record<Name, string>;

/** By code, as the API names scenarios: the script puts its answers in words with no round trip. */
export const scenarioWords = (text: (key: string) => string) =>
  Object.fromEntries(SCENARIOS.map((s) => [s, text(`scenario-${s}`)]));

/** The scenario picker, which the script fills (mini-app.js's offerScenarios). */
export const PICK_SECTION = `  <section id="pick" hidden><p id="pick-label"></p><div id="scenarios"></div></section>`;

/** A message in place of the page's work, which the script fills (mini-app.js's notices). */
export const NOTICE_SECTION = `  <section id="notice" hidden>
    <p class="message" id="message"></p>
    <button type="button" id="again" hidden></button>
    <button type="button" class="secondary" id="back" hidden></button>
  </section>`;

/** The page's CSP: everything from the service itself, nothing inline but styles. */
export function csp(page: MiniAppPage): string {
  return [
    "default-src 'none'",
    `script-src 'self'${page.wasm ? " 'wasm-unsafe-eval'" : ''}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** `<` escaped: the JSON sits inside a script element, where `</script>` would end it. */
const scriptJson = (json: string) => json.replaceAll('<', '\\u003c');

const BASE_STYLE = `
  :root { --bg: #ffffff; --text: #1b1f24; --hint: #5f6b7a; --button: #2481cc; --button-text: #ffffff; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
  main { max-width: 28rem; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.4rem; margin: .25rem 0 1rem; }
  button { display: block; width: 100%; margin: .5rem 0; padding: .85rem 1rem; border: 0; border-radius: .75rem; font: inherit; cursor: pointer; background: var(--button); color: var(--button-text); }
  button.secondary { background: transparent; color: var(--button); box-shadow: inset 0 0 0 2px var(--button); }
  .hint, .message { color: var(--hint); }
  .message { font-size: 1.1rem; color: var(--text); }
  [hidden] { display: none !important; }`;

/**
 * The page as served: the server's choice of language for the first paint, and every locale's
 * words with `config` for the script, which may switch to the launch data's language.
 */
export function renderPage(
  page: MiniAppPage,
  locale: Locale,
  words: Record<Locale, ReturnType<MiniAppPage['words']>>,
  config: Record<string, unknown>,
): string {
  const { title, loading } = words[locale];
  const json = JSON.stringify({ locale, words, config });
  // Relative to the page, so a service behind a path (PUBLIC_URL https://host/prefix) works.
  const assets = posix.relative(posix.dirname(page.path), ASSETS_PATH);
  const classic = page.scripts.classic ? `<script src="${assets}/${page.scripts.classic}"></script>\n` : '';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${BASE_STYLE}${page.style}
</style>
</head>
<body>
<main>
  <h1 id="title">${escapeHtml(title)}</h1>
  <p id="loading">${escapeHtml(loading)}</p>
${page.body}
</main>
<script type="application/json" id="words">${scriptJson(json)}</script>
${classic}<script type="module" src="${assets}/${page.scripts.module}"></script>
</body>
</html>
`;
}
