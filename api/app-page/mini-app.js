// What every Mini App page shares (PRODUCT.md §8), run in the messenger's web view. No messenger
// script is needed: the launch data comes from the URL fragment (Telegram's `tgWebAppData`,
// MAX's `WebAppData`) and goes with every call as `Authorization: tma <initData>`.
const {
  locale: pageLocale,
  words: allWords,
  config,
} = JSON.parse(document.getElementById('words').textContent);
const fragment = new URLSearchParams(location.hash.slice(1));
export const initData = fragment.get('tgWebAppData') ?? fragment.get('WebAppData');
export const $ = (id) => document.getElementById(id);
/** What the server adds for the page's script beyond words (the scanner's PUBLIC_URL). */
export const pageConfig = config ?? {};

/** The launch data's user.language_code when it says ru or en, else the browser's (Accept-Language). */
export const locale = (() => {
  try {
    const code = JSON.parse(new URLSearchParams(initData ?? '').get('user') ?? '{}').language_code;
    if (typeof code === 'string' && /^(ru|en)/i.test(code)) return code.slice(0, 2).toLowerCase();
  } catch {
    // Unreadable user: the server's choice stands.
  }
  return pageLocale;
})();
export const words = allWords[locale];

/** Telegram's theme, when it passes one: only plain #rrggbb colours are taken. */
function applyTheme() {
  let theme = {};
  try {
    theme = JSON.parse(fragment.get('tgWebAppThemeParams') ?? '{}');
  } catch {
    return;
  }
  const vars = {
    bg_color: '--bg',
    text_color: '--text',
    hint_color: '--hint',
    button_color: '--button',
    button_text_color: '--button-text',
  };
  for (const [key, cssVar] of Object.entries(vars)) {
    if (/^#[0-9a-f]{6}$/i.test(theme[key] ?? ''))
      document.documentElement.style.setProperty(cssVar, theme[key]);
  }
}

/** The page in the person's language and the messenger's colours; `texts` maps element ids to words. */
function dress(texts) {
  applyTheme();
  document.documentElement.lang = locale;
  document.title = words.title;
  $('title').textContent = words.title;
  for (const [id, word] of Object.entries(texts)) $(id).textContent = words[word];
}

/** Screens, not a document: in a phone-sized web view each step replaces the one before. */
const showOnly = (sections) => (id) => {
  for (const section of sections) $(section).hidden = section !== id;
};

/** The scenarios offered as buttons in the picker; a tap calls `picked` with the scenario's code. */
function offerScenarios(scenarios, picked) {
  $('scenarios').replaceChildren(
    ...scenarios.map((code) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = words.scenarios[code] ?? code;
      button.dataset.scenario = code;
      button.addEventListener('click', () => picked(code));
      return button;
    }),
  );
}

/**
 * What both pages share around their own work: the screens (`sections`), the scenario picker
 * fed from `scenariosPath` (a tap calls `picked`), and the notice, a message in place of what
 * the page showed (`leave` stops that first) with the way back to the chat. A failed call
 * offers to pick again where it may help: a lost or refused-for-now call, and `againFor`.
 */
export function miniApp({ sections, scenariosPath, picked, leave, againFor = [] }) {
  const show = showOnly(sections);
  function notice(text, { again = false } = {}) {
    leave();
    $('message').textContent = text;
    $('again').hidden = !again;
    $('back').hidden = false;
    show('notice');
  }
  function failure(error) {
    if (!(error instanceof ApiError)) return notice(words.failed, { again: true });
    if (error.status === 401) return notice(words.unauthorized);
    const again = error.status === 429 || error.status >= 500 || againFor.includes(error.reason);
    return notice(words[error.reason] ?? words.failed, { again });
  }
  async function pick() {
    leave();
    show('loading');
    try {
      const { scenarios } = await call('GET', scenariosPath);
      offerScenarios(scenarios, picked);
      show('pick');
    } catch (error) {
      failure(error);
    }
  }
  /** The page in words (`texts` as for dress); with launch data, the picker, else where to open it. */
  function start(texts) {
    dress({ 'pick-label': 'pick', again: 'again', back: 'backToChat', ...texts });
    $('again').addEventListener('click', pick);
    $('back').addEventListener('click', backToChat);
    if (!initData) return notice(words.noLaunchData);
    return pick();
  }
  return { show, notice, failure, pick, start };
}

export class ApiError extends Error {
  constructor(status, reason) {
    super(reason);
    this.status = status;
    this.reason = reason;
  }
}

/** The service's root: the pages are at `<root>/app/<page>`, whatever path PUBLIC_URL has. */
const serviceRoot = new URL('..', location.href);

/** A call to the API; `path` is relative to the service's root (`api/v1/…`). */
export async function call(method, path, body) {
  const response = await fetch(new URL(path, serviceRoot), {
    method,
    headers: {
      authorization: `tma ${initData}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer.reason);
  return answer;
}

/** Back to the chat: the messengers' own bridges, no script needed; else the window closes. */
function backToChat() {
  const event = { eventType: 'web_app_close', eventData: {} };
  if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(event.eventType, '{}');
  else if (window.parent !== window) window.parent.postMessage(JSON.stringify(event), '*');
  window.close();
}
