// The sandbox's web chat page: plays several people at once against the bot. Everything shown
// comes from the people API and its event stream; nothing here talks to the bot directly.
const api = (path, options = {}) =>
  fetch(`/sandbox/api${path}`, {
    ...options,
    headers: options.body && typeof options.body === 'string' ? { 'content-type': 'application/json' } : {},
  }).then(async (res) => {
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? res.statusText);
    return res.status === 204 ? null : res.json();
  });
const post = (path, body) => api(path, { method: 'POST', body: JSON.stringify(body ?? {}) });

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
  },
};
const ui = (person) => UI[person.languageCode] ?? UI.ru;

const state = { people: new Map(), chats: new Map(), open: [], current: null };
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

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

const maskPhone = (phone) => phone.replace(/\d(?=(?:\D*\d){4})/g, '•');
const time = (seconds) =>
  new Date(seconds * 1000).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });

// ---- people -----------------------------------------------------------------------------

function renderPeople() {
  const list = $('people');
  list.replaceChildren(
    ...[...state.people.values()].map((p) =>
      el(
        'li',
        {},
        el('button', {
          type: 'button',
          textContent: `${p.firstName} · ${p.languageCode}${p.phone ? ` · ${maskPhone(p.phone)}` : ''}`,
          ariaPressed: String(state.open.includes(p.id)),
          onclick: () => toggleChat(p.id),
        }),
      ),
    ),
  );
  $('no-people').hidden = state.people.size > 0;
}

async function addPerson(event) {
  event.preventDefault();
  const form = event.target;
  const data = Object.fromEntries(new FormData(form));
  const body = {
    name: data.name,
    languageCode: data.languageCode,
    ...(data.phone ? { phone: data.phone } : {}),
  };
  const { person } = await post('/people', body);
  form.reset();
  state.people.set(person.id, person);
  await openChat(person.id);
}

// ---- chats ------------------------------------------------------------------------------

async function openChat(personId) {
  if (!state.open.includes(personId)) state.open.push(personId);
  state.current = personId;
  const transcript = await api(`/people/${personId}/chat`);
  state.chats.set(personId, {
    messages: new Map(transcript.messages.map((m) => [m.messageId, m])),
    replyKeyboard: transcript.replyKeyboard,
  });
  state.people.set(personId, transcript.person);
  renderChats();
  renderPeople();
}

function toggleChat(personId) {
  if (state.open.includes(personId) && state.current === personId) closeChat(personId);
  else void openChat(personId);
}

function closeChat(personId) {
  state.open = state.open.filter((id) => id !== personId);
  if (state.current === personId) state.current = state.open.at(-1) ?? null;
  document.querySelector(`.chat[data-person="${personId}"]`)?.remove();
  renderChats();
  renderPeople();
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

function renderChat(personId) {
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

function bubble(personId, m, t) {
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
  if (m.inlineKeyboard) {
    li.append(
      el(
        'div',
        { className: 'inline-keyboard' },
        ...m.inlineKeyboard.map((row) =>
          el(
            'div',
            { className: 'row' },
            ...row.map((b) =>
              b.url
                ? el('a', { href: b.url, textContent: b.text, target: '_blank', rel: 'noopener noreferrer' })
                : el('button', {
                    type: 'button',
                    textContent: b.text,
                    onclick: () =>
                      post(`/people/${personId}/callbacks`, {
                        messageId: m.messageId,
                        data: b.callback_data,
                      }),
                  }),
            ),
          ),
        ),
      ),
    );
  }
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

function renderReplyKeyboard(pane, personId, keyboard) {
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

async function toggleBlock(personId) {
  const person = state.people.get(personId);
  const { person: updated } = await post(`/people/${personId}/${person.blockedBot ? 'unblock' : 'block'}`);
  state.people.set(personId, updated);
  renderChat(personId);
}

function showNotice(personId, text) {
  const notice = document.querySelector(`.chat[data-person="${personId}"] .notice`);
  if (!notice || !text) return;
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => {
    notice.hidden = true;
  }, 4000);
}

// ---- SMS ---------------------------------------------------------------------------------

function addSms(sms, { newest = true } = {}) {
  const item = el(
    'li',
    {},
    el(
      'div',
      {},
      el('span', { className: 'to', textContent: maskPhone(sms.to) }),
      ' ',
      el('span', { className: 'muted', textContent: new Date(sms.receivedAt).toLocaleTimeString('ru-RU') }),
    ),
    el('div', { textContent: sms.text }),
  );
  if (newest) $('sms').prepend(item);
  else $('sms').append(item);
  $('no-sms').hidden = true;
}

// ---- the portal: recovery requests and the callbacks the service sent back ------------------

const recoveries = new Map();
const STATUS = {
  pending: 'ждёт решения',
  approved: 'подтверждено',
  denied: 'отклонено',
  cancelled: 'отменено',
  expired: 'истекло',
};

async function requestRecovery(event) {
  event.preventDefault();
  const accountId = new FormData(event.target).get('accountId');
  const res = await fetch('/sandbox/api/portal/recovery-requests', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  const body = await res.json();
  recoveries.set(body.id ?? `${accountId}-${Date.now()}`, { accountId, ...body, httpStatus: res.status });
  renderRecoveries();
}

async function refreshRecoveries() {
  const { callbacks } = await api('/portal/callbacks');
  for (const [id, r] of recoveries) {
    if (!r.id) continue;
    const fresh = await api(`/portal/recovery-requests/${id}`).catch(() => null);
    recoveries.set(id, { ...r, ...fresh, callbacks: callbacks.filter((c) => c.body.id === id).length });
  }
  renderRecoveries();
}

function renderRecoveries() {
  $('recoveries').replaceChildren(
    ...[...recoveries.values()]
      .reverse()
      .map((r) =>
        el(
          'li',
          { className: `recovery ${r.status ?? 'refused'}` },
          el(
            'div',
            {},
            el('strong', { textContent: r.accountId }),
            ' ',
            el('span', { textContent: r.status ? STATUS[r.status] : `отказ: ${r.reason} (${r.httpStatus})` }),
          ),
          r.callbacks
            ? el('div', { className: 'muted', textContent: `обратный вызов получен: ${r.callbacks}` })
            : '',
        ),
      ),
  );
}

// ---- live updates -------------------------------------------------------------------------

function applyEvent(event) {
  switch (event.type) {
    case 'person':
      state.people.set(event.person.id, event.person);
      return renderPeople();
    case 'message':
    case 'edit': {
      const chat = state.chats.get(event.chatId);
      if (!chat) return;
      chat.messages.set(event.entry.messageId, event.entry);
      return renderChat(event.chatId);
    }
    case 'delete': {
      state.chats.get(event.chatId)?.messages.delete(event.messageId);
      return renderChat(event.chatId);
    }
    case 'keyboard': {
      const chat = state.chats.get(event.chatId);
      if (!chat) return;
      chat.replyKeyboard = event.keyboard;
      return renderChat(event.chatId);
    }
    case 'callback-answer':
      return showNotice(event.chatId, event.answer.text);
    case 'sms':
      return addSms(event.sms);
    case 'portal':
      return void refreshRecoveries();
  }
}

function connect() {
  const source = new EventSource('/sandbox/api/events');
  const status = $('connection');
  source.onopen = async () => {
    status.dataset.state = 'open';
    status.textContent = 'на связи';
    // Catch up on whatever happened while disconnected.
    await Promise.all(state.open.map((id) => openChat(id)));
  };
  source.onerror = () => {
    status.dataset.state = 'closed';
    status.textContent = 'нет связи, переподключение…';
  };
  for (const type of [
    'person',
    'message',
    'edit',
    'delete',
    'keyboard',
    'callback-answer',
    'sms',
    'portal',
  ]) {
    source.addEventListener(type, (e) => applyEvent(JSON.parse(e.data)));
  }
}

async function start() {
  $('add-person').onsubmit = (e) => addPerson(e).catch((err) => alert(err.message));
  $('portal').onsubmit = (e) => requestRecovery(e).catch((err) => alert(err.message));
  const [{ bot }, { people }, directory, { messages }] = await Promise.all([
    api('/bot'),
    api('/people'),
    api('/directory'),
    api('/sms'),
  ]);
  $('bot-name').textContent = `бот @${bot.username}`;
  for (const p of people) state.people.set(p.id, p);
  for (const entry of directory.people) {
    $('directory').append(
      el('option', { value: entry.phone, textContent: `${entry.label} · ${entry.phone}` }),
    );
  }
  for (const entry of directory.people) {
    $('portal-account').append(
      el('option', { value: entry.accountId, textContent: `${entry.accountId} · ${entry.label}` }),
    );
  }
  for (const sms of messages) addSms(sms, { newest: false });
  renderPeople();
  connect();
}

void start();
