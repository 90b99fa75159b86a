// The chats: one pane per open chat, side by side, with tabs; a person's texts, photos and the
// block button. The panes' messages are drawn by chat-messages.js.
import { api, post } from '../api.js';
import { $, el } from '../dom.js';
import { state } from '../state.js';
import { bubble, renderReplyKeyboard } from './chat-messages.js';
import { openMiniApp } from './mini-app.js';

// The page speaks Russian; each chat speaks its person's language.
const UI = {
  ru: {
    placeholder: 'Сообщение',
    send: 'Отправить',
    block: 'Заблокировать бота',
    unblock: 'Разблокировать бота',
    edited: 'изменено',
    protected: 'защищено от пересылки',
    attach: 'Отправить фото',
    contact: 'Контакт',
    del: 'Удалить',
    apps: { 'digital-id': 'Цифровой ID', scan: 'Сканер' },
    openApp: 'Открыть мини-приложение без кнопки бота',
  },
  en: {
    placeholder: 'Message',
    send: 'Send',
    block: 'Block the bot',
    unblock: 'Unblock the bot',
    edited: 'edited',
    protected: 'protected from forwarding',
    attach: 'Send a photo',
    contact: 'Contact',
    del: 'Delete',
    apps: { 'digital-id': 'Digital ID', scan: 'Scanner' },
    openApp: "Open the Mini App without the bot's button",
  },
};
const ui = (person) => UI[person.languageCode] ?? UI.ru;

// The people list marks whose chats are open; it is told here rather than imported, so the
// two panels do not import each other.
let openChatsChanged = () => {};
export function onOpenChatsChange(listener) {
  openChatsChanged = listener;
}

/** Opens (or brings forward and reloads) a person's chat with its whole transcript. */
export async function openChat(personId) {
  if (!state.open.includes(personId)) state.open.push(personId);
  state.current = personId;
  const transcript = await api(`/people/${personId}/chat`);
  state.chats.set(personId, {
    messages: new Map(transcript.messages.map((m) => [m.messageId, m])),
    replyKeyboard: transcript.replyKeyboard,
  });
  state.people.set(personId, transcript.person);
  renderChats();
  openChatsChanged();
}

export function toggleChat(personId) {
  if (state.open.includes(personId) && state.current === personId) closeChat(personId);
  else void openChat(personId);
}

function closeChat(personId) {
  state.open = state.open.filter((id) => id !== personId);
  if (state.current === personId) state.current = state.open.at(-1) ?? null;
  document.querySelector(`.chat[data-person="${personId}"]`)?.remove();
  renderChats();
  openChatsChanged();
}

function chatPane(personId) {
  let pane = document.querySelector(`.chat[data-person="${personId}"]`);
  if (pane) return pane;
  pane = $('chat-template').content.firstElementChild.cloneNode(true);
  pane.dataset.person = String(personId);
  const person = state.people.get(personId);
  const t = ui(person);
  pane.querySelector('.close').onclick = () => closeChat(personId);
  pane.querySelector('.block').onclick = () => toggleBlock(personId);
  for (const button of pane.querySelectorAll('.open-app')) {
    button.textContent = t.apps[button.dataset.path];
    button.title = t.openApp;
    button.onclick = () => openMiniApp(personId, { path: button.dataset.path });
  }
  const input = pane.querySelector('.composer input[name="text"]');
  input.placeholder = t.placeholder;
  pane.querySelector('.send').textContent = t.send;
  pane.querySelector('.attach').title = t.attach;
  pane.querySelector('.composer').onsubmit = async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = '';
    await post(`/people/${personId}/messages`, { text });
  };
  pane.querySelector('input[type="file"]').onchange = async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append('photo', file);
    await fetch(`/sandbox/api/people/${personId}/photos`, { method: 'POST', body: form });
    event.target.value = '';
  };
  $('chats').append(pane);
  return pane;
}

function renderChats() {
  $('no-chats').hidden = state.open.length > 0;
  for (const personId of state.open) renderChat(personId);
  $('tabs').replaceChildren(
    ...state.open.map((id) =>
      el('button', {
        type: 'button',
        textContent: state.people.get(id)?.firstName ?? id,
        ariaPressed: String(id === state.current),
        onclick: () => {
          state.current = id;
          renderChats();
        },
      }),
    ),
  );
}

export function renderChat(personId) {
  const chat = state.chats.get(personId);
  const person = state.people.get(personId);
  if (!chat || !person) return;
  const pane = chatPane(personId);
  const t = ui(person);
  pane.classList.toggle('current', personId === state.current);
  pane.classList.toggle('blocked', person.blockedBot);
  pane.querySelector('.chat-name').textContent = person.firstName;
  pane.querySelector('.chat-meta').textContent = `${person.languageCode} · id ${person.id}`;
  pane.querySelector('.block').textContent = person.blockedBot ? t.unblock : t.block;
  const list = pane.querySelector('.messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const sorted = [...chat.messages.values()].sort((a, b) => a.messageId - b.messageId);
  list.replaceChildren(...sorted.map((m) => bubble(personId, m, t)));
  if (atBottom) list.scrollTop = list.scrollHeight;
  renderReplyKeyboard(pane, personId, chat.replyKeyboard);
}

async function toggleBlock(personId) {
  const person = state.people.get(personId);
  const { person: updated } = await post(`/people/${personId}/${person.blockedBot ? 'unblock' : 'block'}`);
  state.people.set(personId, updated);
  renderChat(personId);
}

/** The bot's answer to a button press, shown for a few seconds over the chat. */
export function showNotice(personId, text) {
  const notice = document.querySelector(`.chat[data-person="${personId}"] .notice`);
  if (!notice || !text) return;
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => {
    notice.hidden = true;
  }, 4000);
}
