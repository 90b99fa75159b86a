import { type MiniAppPage, NOTICE_SECTION, PICK_SECTION, scenarioWords, wordsOf } from './shell';

/** The citizen's page's words, by the name its script knows them by: `app-page-*` in the locales. */
const WORDS = [
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

/**
 * GET /app/digital-id: the citizen's Mini App (PRODUCT.md §8). It draws the QR itself with
 * `qrcode`'s encoder served from here.
 */
export const digitalIdPage: MiniAppPage = {
  path: '/app/digital-id',
  words: (text) => ({
    ...wordsOf(text, 'app-page', WORDS),
    scenarios: scenarioWords(text),
  }),
  style: `
  .qr { background: #ffffff; border-radius: 1rem; padding: .5rem; margin: 0 auto; width: min(100%, 20rem); }
  .qr svg { display: block; width: 100%; height: auto; }
  .countdown { text-align: center; font-variant-numeric: tabular-nums; margin: .75rem 0 .25rem; }`,
  body: `${PICK_SECTION}
  <section id="code" hidden>
    <p id="code-scenario"></p>
    <div class="qr" id="qr" role="img"></div>
    <p class="countdown" id="countdown" aria-live="polite"></p>
    <p class="hint" id="hint"></p>
    <button type="button" class="secondary" id="stop"></button>
  </section>
${NOTICE_SECTION}`,
  scripts: { classic: 'qrcode.js', module: 'digital-id.js' },
};
