// The sandbox's web chat page: plays several people at once against the bot. Everything shown
// comes from the people API and its event stream; nothing here talks to the bot directly.
// Each panel is a module under panels/; this entry loads what is already there and wires them.
import { api } from './api.js';
import { $ } from './dom.js';
import { onOpenChatsChange } from './panels/chat.js';
import { connect } from './panels/events.js';
import { addPerson, renderPeople, showPeople } from './panels/people.js';
import { requestRecovery, showAccounts } from './panels/portal.js';
import { showSms } from './panels/sms.js';

async function start() {
  $('add-person').onsubmit = (e) => addPerson(e).catch((err) => alert(err.message));
  $('portal').onsubmit = (e) => requestRecovery(e).catch((err) => alert(err.message));
  onOpenChatsChange(renderPeople);
  const [{ bot }, { people }, directory, { messages }] = await Promise.all([
    api('/bot'),
    api('/people'),
    api('/directory'),
    api('/sms'),
  ]);
  $('bot-name').textContent = `бот @${bot.username}`;
  showPeople(people, directory.people);
  showAccounts(directory.people);
  showSms(messages);
  renderPeople();
  connect();
}

void start();
