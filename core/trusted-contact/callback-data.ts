import { callbackData } from '../messaging/callback-data';

/**
 * The trusted contact's buttons: those in the notices core writes (accept, approve, ...) and
 * those of the bot's own screens. Ids travel, and each is checked against the database on every
 * press.
 */
export const TC_DATA = {
  accept: callbackData('tc:acc', 'uuid'),
  decline: callbackData('tc:dec', 'uuid'),
  approve: callbackData('rc:ok', 'uuid'),
  deny: callbackData('rc:no', 'uuid'),
  notMe: callbackData('rc:notme', 'uuid'),
  home: callbackData('tc:home'),
  add: callbackData('tc:add'),
  resend: callbackData('tc:resend', 'uuid'),
  cancelInvitation: callbackData('tc:cancel', 'uuid'),
  end: callbackData('tc:end', 'uuid'),
  formSend: callbackData('tc:form-send'),
  formCancel: callbackData('tc:form-cancel'),
};
