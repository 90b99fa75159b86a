import { verifierUrl } from '../../core/digital-id/issue-token';
import { REASONS } from '../../core/digital-id/verify-token';
import { type MiniAppPage, NOTICE_SECTION, PICK_SECTION, scenarioWords, wordsOf } from './shell';

/** The scanner's own words (`app-scan-*`); those it shares with the citizen's page. */
const OWN = [
  'title',
  'pick',
  'change',
  'ready',
  'checking',
  'next',
  'noLaunchData',
  'noCamera',
  'not_a_verifier',
  'rate_limited',
  'lost',
  'lostHint',
] as const;
const SHARED = ['loading', 'again', 'backToChat', 'unauthorized', 'blocked', 'failed'] as const;

/**
 * GET /app/scan: the cashier's scanner (PRODUCT.md §8). It reads QRs from the camera with the
 * browser's BarcodeDetector, else with ZXing compiled to WebAssembly and served from here, and
 * sends only the text of a Digital ID's QR; the answer speaks the checkout's words.
 */
export const scanPage: MiniAppPage = {
  path: '/app/scan',
  words: (text) => ({
    ...wordsOf(text, 'app-scan', OWN),
    ...wordsOf(text, 'app-page', SHARED),
    notDigitalId: text('verify-reason-not_digital_id'),
    confirmed: text('verify-confirmed'),
    notConfirmed: text('verify-not-confirmed'),
    reasons: Object.fromEntries(REASONS.map((reason) => [reason, text(`verify-reason-${reason}`)])),
    scenarios: scenarioWords(text),
  }),
  style: `
  .viewfinder { position: relative; background: #000000; border-radius: 1rem; overflow: hidden; aspect-ratio: 1; width: min(100%, 24rem); margin: 0 auto; }
  .viewfinder video { display: block; width: 100%; height: 100%; object-fit: cover; }
  .status { text-align: center; min-height: 2.8em; margin: .75rem 0 .25rem; }
  .answer { position: fixed; inset: 0; display: flex; flex-direction: column; justify-content: center; align-items: center; padding: 1.5rem; text-align: center; color: #ffffff; }
  .answer.confirmed { background: #1b873f; }
  .answer.refused { background: #c62828; }
  .answer.lost { background: #f2a900; color: #1b1f24; }
  .answer .headline { font-size: clamp(1.8rem, 10vw, 2.6rem); font-weight: 700; margin: 0 0 .5rem; }
  .answer p { font-size: 1.25rem; margin: .25rem 0; max-width: 24rem; }
  .answer button { background: #ffffff; color: #1b1f24; max-width: 24rem; margin-top: 2rem; }`,
  body: `${PICK_SECTION}
  <section id="camera" hidden>
    <p id="camera-scenario"></p>
    <div class="viewfinder"><video id="video" playsinline muted autoplay></video></div>
    <p class="status hint" id="status" aria-live="polite"></p>
    <button type="button" class="secondary" id="change"></button>
  </section>
${NOTICE_SECTION}
  <div class="answer" id="answer" role="alert" hidden>
    <p class="headline" id="headline"></p>
    <p id="answer-scenario"></p>
    <p id="reason"></p>
    <button type="button" id="next"></button>
  </div>`,
  scripts: { classic: 'zxing-reader.js', module: 'scan.js' },
  // What a Digital ID's QR starts with; anything else is not sent (PRODUCT.md §8: `qr` is
  // exactly `${PUBLIC_URL}/v/<token>`).
  config: (publicUrl) => ({ digitalIdPrefix: verifierUrl(publicUrl, '') }),
  wasm: true,
};
