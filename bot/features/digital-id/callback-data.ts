import { callbackData } from '../../../core/messaging/callback-data';

/** The Digital ID's buttons: the session id travels, and is checked against who presses on every press. */
export const DID_DATA = {
  open: callbackData('did:open', 'name'),
  refresh: callbackData('did:refresh', 'uuid'),
  stop: callbackData('did:stop', 'uuid'),
  again: callbackData('did:again', 'uuid'),
};
