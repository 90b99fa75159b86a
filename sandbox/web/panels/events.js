// The live updates: the server's event stream, the connection badge in the header, and each
// event handed to the panel it concerns. The event names are the server's own (event-names.js).
import { $ } from '../dom.js';
import { EVENT } from '../event-names.js';
import { state } from '../state.js';
import { openChat, renderChat, showNotice } from './chat.js';
import { renderPeople } from './people.js';
import { refreshRecoveries } from './portal.js';
import { addSms } from './sms.js';

function applyEvent(event) {
  switch (event.type) {
    case EVENT.person:
      state.people.set(event.person.id, event.person);
      return renderPeople();
    case EVENT.message:
    case EVENT.edit: {
      const chat = state.chats.get(event.chatId);
      if (!chat) return;
      chat.messages.set(event.entry.messageId, event.entry);
      return renderChat(event.chatId);
    }
    case EVENT.delete: {
      state.chats.get(event.chatId)?.messages.delete(event.messageId);
      return renderChat(event.chatId);
    }
    case EVENT.keyboard: {
      const chat = state.chats.get(event.chatId);
      if (!chat) return;
      chat.replyKeyboard = event.keyboard;
      return renderChat(event.chatId);
    }
    case EVENT.callbackAnswer:
      return showNotice(event.chatId, event.answer.text);
    case EVENT.sms:
      return addSms(event.sms);
    case EVENT.portal:
      return void refreshRecoveries();
  }
}

export function connect() {
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
  for (const type of Object.values(EVENT)) {
    source.addEventListener(type, (e) => applyEvent(JSON.parse(e.data)));
  }
}
