// The cashier's scanner Mini App (PRODUCT.md §8): the scenario picked once, then the camera read
// continuously. Only the text of a Digital ID's QR leaves the phone, never the camera's image;
// the answer fills the screen, and the scanner is ready again after a short pause. A module:
// its names stay its own.
import { $, ApiError, call, miniApp, pageConfig, words } from './mini-app.js';

const { show, notice, failure, pick, start } = miniApp({
  sections: ['loading', 'pick', 'camera', 'notice'],
  scenariosPath: 'api/v1/app/verify/scenarios',
  picked: startCamera,
  leave: stopCamera,
});
/** How long an answer fills the screen before the next QR is taken. */
const ANSWER_MS = 2500;
/** After a refusal that is not about the QR (too many checks, no network), the same QR is tried again. */
const RETRY_MS = 5000;
/** A QR unseen this long has left the frame: shown again, it is checked again. */
const GONE_MS = 1000;
/** About seven looks a second: a QR held up reads at once, and ZXing leaves the phone's CPU room. */
const LOOK_MS = 150;
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** `${PUBLIC_URL}/v/<token>`, exactly what the service's QRs hold; anything else is not sent. */
const isDigitalId = (text) =>
  text.startsWith(pageConfig.digitalIdPrefix) && TOKEN.test(text.slice(pageConfig.digitalIdPrefix.length));

let scenario = null;
let stream = null;
let decode = null;
let lookTimer = null;
let pauseTimer = null;
/** 'ready' takes a new QR; 'checking' and 'answer' let it wait. */
let state = 'ready';
/** The QR last acted on, and when the camera last saw it: held in view, it is not sent again. */
let last = { text: null, seenAt: 0 };
let sound = null;
/**
 * The QR whose last send got no answer: it may have reached the service and been confirmed,
 * and so spent, with only the answer lost on the way back.
 */
let unanswered = null;

/** The browser's own detector where it reads QRs, else ZXing's WebAssembly served from here. */
async function decoder() {
  if ('BarcodeDetector' in window && (await BarcodeDetector.getSupportedFormats()).includes('qr_code')) {
    const detector = new BarcodeDetector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const zxing = window.ZXingWASM;
  zxing.prepareZXingModule({
    overrides: { locateFile: (name) => new URL(name, import.meta.url).href },
    fireImmediately: true,
  });
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    const { videoWidth: width, videoHeight: height } = video;
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0);
    const [found] = await zxing.readBarcodes(context.getImageData(0, 0, width, height), {
      formats: ['QRCode'],
      maxNumberOfSymbols: 1,
      tryHarder: true,
    });
    return found?.isValid ? found.text : null;
  };
}

const status = (text) => {
  $('status').textContent = text;
};

/** A short beep and buzz where the phone allows: one for yes, a lower double for no. */
function signal(confirmed) {
  navigator.vibrate?.(confirmed ? 120 : [120, 80, 120]);
  if (!sound) return;
  const beep = sound.createOscillator();
  const gain = sound.createGain();
  beep.frequency.value = confirmed ? 880 : 220;
  gain.gain.value = 0.2;
  beep.connect(gain).connect(sound.destination);
  beep.start();
  beep.stop(sound.currentTime + (confirmed ? 0.15 : 0.4));
}

function ready() {
  clearTimeout(pauseTimer);
  $('answer').hidden = true;
  state = 'ready';
  status(words.ready);
}

/** After `ms`, ready for the next QR; `forget` lets the QR in view be sent once more. */
function pause(ms, { forget = false } = {}) {
  clearTimeout(pauseTimer);
  pauseTimer = setTimeout(() => {
    if (forget) last = { text: null, seenAt: 0 };
    ready();
  }, ms);
}

/** The answer filling the screen in `tone` (confirmed, refused, lost) until the next QR. */
function fill(tone, headline, reason, answeredScenario = scenario) {
  $('answer').className = `answer ${tone}`;
  $('headline').textContent = headline;
  $('answer-scenario').textContent = words.scenarios[answeredScenario] ?? '';
  $('reason').textContent = reason;
  $('answer').hidden = false;
  state = 'answer';
  pause(ANSWER_MS);
}

function showAnswer(answer) {
  const confirmed = answer.result === 'confirmed';
  signal(confirmed);
  if (confirmed) return fill('confirmed', words.confirmed, '', answer.scenario);
  fill('refused', words.notConfirmed, words.reasons[answer.reason] ?? '', answer.scenario);
}

async function check(qr) {
  state = 'checking';
  status(words.checking);
  try {
    const answer = await call('POST', 'api/v1/app/verify', { qr, scenario });
    const resent = qr === unanswered;
    unanswered = null;
    if (!stream) return;
    // "Already used" may be this very scanner's lost confirmation: red would turn away a
    // customer whose QR was good, so the cashier is told the truth, that nobody knows.
    if (resent && answer.reason === 'replayed') return fill('lost', words.lost, words.lostHint);
    showAnswer(answer);
  } catch (error) {
    if (!(error instanceof ApiError)) unanswered = qr;
    if (!stream) return;
    // Not about this QR: say so, and try it again later if it is still held up.
    if (!(error instanceof ApiError) || error.status === 429) {
      status(error instanceof ApiError ? words.rate_limited : words.failed);
      return pause(RETRY_MS, { forget: true });
    }
    failure(error);
  }
}

/** One look's outcome: the text of the QR in view, or null. */
function seen(text, now) {
  if (text === null) {
    if (last.text !== null && now - last.seenAt > GONE_MS) {
      last = { text: null, seenAt: 0 };
      if (state === 'ready') status(words.ready);
    }
    return;
  }
  if (text === last.text) {
    last.seenAt = now;
    return;
  }
  if (state !== 'ready') return;
  last = { text, seenAt: now };
  // Not a Digital ID: a quiet word under the camera, and nothing leaves the phone.
  if (!isDigitalId(text)) return status(words.notDigitalId);
  check(text);
}

async function look() {
  const video = $('video');
  let text = null;
  try {
    text = await decode(video);
  } catch {
    // An unreadable frame is a frame without a QR.
  }
  if (!stream) return;
  seen(text, performance.now());
  // How many frames were looked at: the page's tests wait on it rather than on a clock.
  $('camera').dataset.looks = String(Number($('camera').dataset.looks ?? 0) + 1);
  lookTimer = setTimeout(look, LOOK_MS);
}

function stopCamera() {
  clearTimeout(lookTimer);
  clearTimeout(pauseTimer);
  for (const track of stream?.getTracks() ?? []) track.stop();
  stream = null;
  $('video').srcObject = null;
  $('answer').hidden = true;
}

async function startCamera(picked) {
  scenario = picked;
  // Made on the cashier's tap, so the browser lets it sound later.
  sound ??= window.AudioContext ? new AudioContext() : null;
  $('camera-scenario').textContent = words.scenarios[picked];
  show('camera');
  status(words.ready);
  try {
    decode ??= await decoder();
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } },
      audio: false,
    });
  } catch {
    return notice(words.noCamera, { again: true });
  }
  $('video').srcObject = stream;
  await $('video')
    .play()
    .catch(() => undefined);
  last = { text: null, seenAt: 0 };
  ready();
  look();
}

$('change').addEventListener('click', pick);
$('next').addEventListener('click', ready);
start({ change: 'change', next: 'next' });
