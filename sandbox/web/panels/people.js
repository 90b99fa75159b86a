// The people panel: everyone in the sandbox, and the form that adds a person.
import { post } from '../api.js';
import { $, el, maskPhone } from '../dom.js';
import { state } from '../state.js';
import { openChat, toggleChat } from './chat.js';

export function renderPeople() {
  $('people').replaceChildren(
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

/** The people already there, and the demo registry's numbers a new person may be given. */
export function showPeople(people, directory) {
  for (const p of people) state.people.set(p.id, p);
  for (const entry of directory) {
    $('directory').append(
      el('option', { value: entry.phone, textContent: `${entry.label} · ${entry.phone}` }),
    );
  }
}

export async function addPerson(event) {
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
