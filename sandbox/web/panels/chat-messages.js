// How one chat's messages are drawn: bubbles with their inline buttons, and the reply keyboard
// under them. A tap goes to the people API; what changes comes back on the event stream.
import { api, post } from '../api.js';
import { el } from '../dom.js';
import { openMiniApp } from './mini-app.js';

/** Text with line breaks kept and bare links made clickable, without ever parsing HTML. */
function richText(text) {
  const span = el('div', { className: 'text' });
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    span.append(text.slice(last, match.index));
    span.append(
      el('a', { href: match[0], textContent: match[0], target: '_blank', rel: 'noopener noreferrer' }),
    );
    last = match.index + match[0].length;
  }
  span.append(text.slice(last));
  return span;
}

const time = (seconds) =>
  new Date(seconds * 1000).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });

/** One inline button, drawn and wired by its kind. */
function inlineButton(personId, m, b) {
  if (b.url)
    return el('a', { href: b.url, textContent: b.text, target: '_blank', rel: 'noopener noreferrer' });
  const button = (textContent, onclick, className = '') =>
    el('button', { type: 'button', textContent, onclick, className });
  // MAX asks for the phone with an inline button, where Telegram uses a reply keyboard.
  if (b.request_contact) return button(`📱 ${b.text}`, () => post(`/people/${personId}/contact`));
  // A Mini App button (MAX's open_app): the app opens in a phone frame.
  if (b.web_app)
    return button(b.text, () => openMiniApp(personId, { messageId: m.messageId, text: b.text }), 'web-app');
  // MAX's message button: its text goes out as the person's message.
  if (b.send_text) return button(b.text, () => post(`/people/${personId}/messages`, { text: b.text }));
  return button(b.text, () =>
    post(`/people/${personId}/callbacks`, { messageId: m.messageId, data: b.callback_data }),
  );
}

function inlineKeyboard(personId, m) {
  return el(
    'div',
    { className: 'inline-keyboard' },
    ...m.inlineKeyboard.map((row) =>
      el('div', { className: 'row' }, ...row.map((b) => inlineButton(personId, m, b))),
    ),
  );
}

/** One message; `t` is the chat's texts, in its person's language. */
export function bubble(personId, m, t) {
  const li = el('li', { className: `bubble ${m.from}` });
  li.dataset.messageId = String(m.messageId);
  if (m.photo)
    li.append(el('img', { src: `/sandbox/api/files/${m.photo.fileId}`, alt: m.caption ?? 'photo' }));
  if (m.text !== undefined) li.append(richText(m.text));
  if (m.caption !== undefined) li.append(richText(m.caption));
  if (m.contact) {
    li.append(
      el('div', {
        className: 'contact',
        textContent: `${t.contact}: ${m.contact.firstName} ${m.contact.phoneNumber}`,
      }),
    );
  }
  if (m.inlineKeyboard) li.append(inlineKeyboard(personId, m));
  const meta = el('div', { className: 'meta' });
  if (m.protectContent) meta.append(el('span', { title: t.protected, textContent: '🔒' }));
  if (m.edits > 0) meta.append(el('span', { className: 'edited', textContent: t.edited }));
  meta.append(el('span', { textContent: time(m.editDate ?? m.date) }));
  li.append(meta);
  if (m.from === 'person') {
    li.append(
      el('button', {
        type: 'button',
        className: 'delete',
        title: t.del,
        textContent: '✕',
        onclick: () => api(`/people/${personId}/messages/${m.messageId}`, { method: 'DELETE' }),
      }),
    );
  }
  return li;
}

export function renderReplyKeyboard(pane, personId, keyboard) {
  const area = pane.querySelector('.reply-keyboard');
  if (!keyboard) return area.replaceChildren();
  area.replaceChildren(
    ...keyboard.keyboard.map((row) =>
      el(
        'div',
        { className: 'row' },
        ...row.map((b) => {
          const text = typeof b === 'string' ? b : b.text;
          const share = typeof b === 'object' && b.request_contact;
          return el('button', {
            type: 'button',
            textContent: share ? `📱 ${text}` : text,
            onclick: () =>
              share ? post(`/people/${personId}/contact`) : post(`/people/${personId}/messages`, { text }),
          });
        }),
      ),
    ),
  );
}
