// Mini Apps in a phone-sized frame, one per person, as the messenger opens them over the chat.
// The sandbox server signs the launch data (it holds the bot's token) and answers the URL the
// messenger would load; the page only shows it. The app's own "back to the chat" closes it.
import { post } from '../api.js';
import { $, el } from '../dom.js';
import { state } from '../state.js';

/** `#rgb` as `#rrggbb`: themeParams take the long form only. */
const longHex = (colour) => colour.replace(/^#([0-9a-f])([0-9a-f])([0-9a-f])$/i, '#$1$1$2$2$3$3');

/** The page's own colours as Telegram's themeParams, so the app matches the page around it. */
function pageTheme() {
  const css = getComputedStyle(document.documentElement);
  const colour = (name) => longHex(css.getPropertyValue(name).trim());
  const theme = {
    bg_color: colour('--panel'),
    secondary_bg_color: colour('--bg'),
    text_color: colour('--ink'),
    hint_color: colour('--muted'),
    link_color: colour('--accent'),
    button_color: colour('--accent'),
    button_text_color: '#ffffff',
  };
  return Object.fromEntries(Object.entries(theme).filter(([, c]) => /^#[0-9a-f]{6}$/i.test(c)));
}

/**
 * Opens a Mini App for the person: `how` is a button (`{ messageId, text }`) or the bot's app
 * itself (`{ path }`, `{ startParam }`). A failure (no Mini App URL known) is shown, not thrown.
 */
export async function openMiniApp(personId, how) {
  try {
    const { url } = await post(`/people/${personId}/mini-app`, { ...how, theme: pageTheme() });
    showPhone(personId, url);
  } catch (err) {
    alert(err.message);
  }
}

function showPhone(personId, url) {
  let phone = document.querySelector(`.phone[data-person="${personId}"]`);
  if (!phone) {
    const frame = el('iframe', { title: 'Мини-приложение' });
    // The scanner reads the camera: a frame from another origin needs it delegated.
    frame.setAttribute('allow', 'camera; autoplay');
    phone = el(
      'section',
      { className: 'phone' },
      el(
        'header',
        {},
        el('span', { className: 'phone-title' }),
        el('button', {
          type: 'button',
          className: 'close',
          ariaLabel: 'Закрыть приложение',
          textContent: '✕',
          onclick: () => phone.remove(),
        }),
      ),
      frame,
    );
    phone.dataset.person = String(personId);
    $('phones').append(phone);
  }
  const name = state.people.get(personId)?.firstName ?? personId;
  phone.querySelector('.phone-title').textContent = `${name} · ${new URL(url).pathname}`;
  phone.querySelector('iframe').src = url;
}

// The app asks its messenger to close it as Telegram's web client hears it: a JSON message
// `{ eventType: "web_app_close" }` posted to the parent window.
window.addEventListener('message', (event) => {
  const phone = [...document.querySelectorAll('.phone')].find(
    (p) => p.querySelector('iframe').contentWindow === event.source,
  );
  if (!phone || typeof event.data !== 'string') return;
  try {
    if (JSON.parse(event.data).eventType === 'web_app_close') phone.remove();
  } catch {
    // Not a messenger event: nothing to do.
  }
});
