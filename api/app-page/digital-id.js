// The citizen's Digital ID Mini App (PRODUCT.md §8): the scenarios the person holds, then the
// QR drawn here as SVG, asked for again at refreshAt and not while hidden. A module: its names
// stay its own.
import { $, ApiError, call, miniApp, words } from './mini-app.js';

const { show, failure, pick, start } = miniApp({
  sections: ['loading', 'pick', 'code', 'notice'],
  scenariosPath: 'api/v1/app/digital-id/scenarios',
  picked: open,
  leave: () => {
    stopTimers();
    session = null;
  },
  // A session ended elsewhere, or a status lapsed: another scenario may still be shown.
  againFor: ['ended', 'scenario_not_held'],
});

// The live session: its id, and the answer shown (qr, refreshAt, expiresAt).
let session = null;
let pollTimer = null;
let tickTimer = null;

function stopTimers() {
  clearTimeout(pollTimer);
  clearInterval(tickTimer);
  pollTimer = null;
  tickTimer = null;
}

function draw(answer) {
  const { create, svg } = window.QRCodeLib;
  const qr = create.create([{ data: new TextEncoder().encode(answer.qr), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
  });
  $('qr').innerHTML = svg.render(qr, { margin: 4, color: { dark: '#000000ff', light: '#ffffffff' } });
  $('qr').dataset.qr = answer.qr;
  $('qr').setAttribute('aria-label', words.scenarios[session.scenario]);
}

const secondsLeft = () => Math.max(0, Math.ceil((Date.parse(session.answer.refreshAt) - Date.now()) / 1000));

function tick() {
  const left = secondsLeft();
  $('countdown').textContent = left > 0 ? words.refreshIn.replace('%s', String(left)) : words.refreshing;
}

/** The next poll, at refreshAt (the server's); at least a second apart if the clocks disagree. */
function schedule() {
  stopTimers();
  if (document.hidden || !session) return;
  tick();
  tickTimer = setInterval(tick, 1000);
  pollTimer = setTimeout(refresh, Math.max(1000, Date.parse(session.answer.refreshAt) - Date.now()));
}

/** How soon a poll that failed on the way is tried again. */
const RETRY_MS = 3000;

/**
 * A poll lost to the phone's network, an API restarting or too many polls says nothing about the
 * session: at a checkout the person keeps the QR shown and the page tries again shortly.
 */
const passing = (error) => !(error instanceof ApiError) || error.status === 429 || error.status >= 500;

/** Asks for the current QR now: the same one before refreshAt, the next one after. */
async function refresh() {
  if (!session) return;
  const current = session;
  try {
    const answer = await call('GET', `api/v1/app/digital-id/sessions/${current.id}/qr`);
    if (session !== current) return;
    if (answer.qr !== current.answer.qr) {
      current.answer = answer;
      draw(answer);
    }
    schedule();
  } catch (error) {
    if (session !== current) return;
    if (passing(error)) {
      clearTimeout(pollTimer);
      pollTimer = setTimeout(refresh, RETRY_MS);
      return;
    }
    // Its own session unknown: an unlink erased it with the person's data. To them, it ended.
    failure(error.status === 404 ? new ApiError(410, 'ended') : error);
  }
}

async function open(scenario) {
  show('loading');
  try {
    const opened = await call('POST', 'api/v1/app/digital-id/sessions', { scenario });
    session = { id: opened.sessionId, scenario, answer: opened };
    $('code-scenario').textContent = words.scenarios[scenario];
    draw(opened);
    show('code');
    schedule();
  } catch (error) {
    failure(error);
  }
}

async function stop() {
  const current = session;
  stopTimers();
  session = null;
  if (current) await call('DELETE', `api/v1/app/digital-id/sessions/${current.id}`).catch(() => undefined);
  await pick();
}

$('stop').addEventListener('click', stop);
// Hidden, the page asks for nothing; shown again, it asks at once, as refreshAt may be past.
document.addEventListener('visibilitychange', () => (document.hidden ? stopTimers() : refresh()));
// For the messenger's hosts and for tests: ask for the current QR now.
window.digitalId = { refresh };
start({ hint: 'hint', stop: 'stop' });
