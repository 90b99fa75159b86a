import { callbackData } from '../../../core/messaging/callback-data';

/** Every admin button starts so: only these presses ask the database whether the presser is an admin. */
export const ADMIN_PREFIX = 'adm:';

/** The admin commands' buttons; confirmations carry their own id, checked against the admin who asked. */
export const ADMIN_DATA = {
  confirm: callbackData(`${ADMIN_PREFIX}ok`, 'uuid'),
  /** A page of the audit trail: whose (an account id, or * for everyone's) and from which row. */
  audit: callbackData(`${ADMIN_PREFIX}audit`, 'word', 'int'),
  revokeVerifierKey: callbackData(`${ADMIN_PREFIX}vk`, 'uuid'),
  stopBroadcast: callbackData(`${ADMIN_PREFIX}bc-stop`, 'uuid'),
  broadcastAudience: callbackData(`${ADMIN_PREFIX}bc-aud`, 'name'),
  sendBroadcast: callbackData(`${ADMIN_PREFIX}bc-send`),
  cancelBroadcast: callbackData(`${ADMIN_PREFIX}bc-form-cancel`),
};
