// The SMS panel: what the service's gateway sent, newest on top.
import { $, el, maskPhone } from '../dom.js';

export function addSms(sms, { newest = true } = {}) {
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

/** The inbox as the page found it, already newest first. */
export function showSms(messages) {
  for (const sms of messages) addSms(sms, { newest: false });
}
