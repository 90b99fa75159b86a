/**
 * The subset of the MAX Bot API the service speaks, written from max-messenger/api-schema
 * `schema.yaml` (components.schemas). Received shapes are read defensively: MAX may add fields
 * and leave optional ones out or null.
 */

export interface MaxUser {
  user_id: number;
  first_name: string;
  last_name?: string | null;
  username?: string | null;
  is_bot: boolean;
  last_activity_time?: number | null;
}

export interface MaxBotInfo extends MaxUser {
  description?: string | null;
  commands?: { name: string; description?: string | null }[] | null;
}

export type MaxButton =
  | { type: 'callback'; text: string; payload: string }
  | { type: 'link'; text: string; url: string }
  | { type: 'request_contact'; text: string }
  | { type: 'message'; text: string }
  | { type: 'open_app'; text: string; web_app: string; payload?: string };

/** An attachment the bot sends. */
export type MaxAttachmentRequest =
  | { type: 'image'; payload: { token: string } }
  | { type: 'inline_keyboard'; payload: { buttons: MaxButton[][] } };

/** An attachment the bot receives (the kinds it reads; others are ignored). */
export type MaxAttachment =
  | { type: 'image'; payload: { photo_id?: number; token?: string; url: string } }
  | {
      type: 'contact';
      payload: { vcf_info?: string | null; hash?: string | null; max_info?: MaxUser | null };
    }
  | { type: 'inline_keyboard'; payload: { buttons: MaxButton[][] } }
  | { type: string; payload?: unknown };

/**
 * A message to send or to replace. On `PUT`, `attachments: null` keeps the old ones, `[]`
 * removes them all and a list replaces them all.
 */
export interface MaxNewMessageBody {
  text?: string | null;
  attachments?: MaxAttachmentRequest[] | null;
  notify?: boolean;
  format?: 'markdown' | 'html' | null;
}

export interface MaxRecipient {
  chat_id?: number | null;
  chat_type: 'dialog' | 'chat' | 'channel';
  user_id?: number | null;
}

export interface MaxMessage {
  sender?: MaxUser | null;
  recipient: MaxRecipient;
  timestamp: number;
  body: { mid: string; seq: number; text?: string | null; attachments?: MaxAttachment[] | null };
}

export interface MaxCallback {
  timestamp: number;
  callback_id: string;
  payload?: string | null;
  user: MaxUser;
}

export type MaxUpdate =
  | {
      update_type: 'bot_started';
      timestamp: number;
      chat_id: number;
      user: MaxUser;
      payload?: string | null;
      user_locale?: string | null;
    }
  | { update_type: 'message_created'; timestamp: number; message: MaxMessage; user_locale?: string | null }
  | {
      update_type: 'message_callback';
      timestamp: number;
      message?: MaxMessage | null;
      user_locale?: string | null;
      callback: MaxCallback;
    }
  | { update_type: 'bot_stopped'; timestamp: number; chat_id: number; user: MaxUser };

/** Any update, including the types the service does not handle (logged and acknowledged). */
export type MaxAnyUpdate = MaxUpdate | { update_type: string; timestamp: number };

/** The update types the service asks for. */
export const MAX_UPDATE_TYPES = [
  'bot_started',
  'bot_stopped',
  'message_created',
  'message_callback',
] as const;

export interface MaxUpdateList {
  updates: MaxAnyUpdate[];
  /** Kept as the exact decimal text MAX sent: an int64 may not fit a JavaScript number. */
  marker: string | null;
}

export interface MaxSimpleResult {
  success: boolean;
  message?: string | null;
}

export interface MaxUploadEndpoint {
  url: string;
  token?: string | null;
}

/** What the upload host answers for an image (the SDK's `ImageUploadResult`; not in the schema). */
export interface MaxImageUploadResult {
  photos?: Record<string, { token: string }>;
  token?: string;
}
