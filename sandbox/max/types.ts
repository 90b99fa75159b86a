/**
 * MAX Bot API shapes the sandbox speaks, written from max-messenger/api-schema `schema.yaml`
 * (components.schemas), for the subset the service uses.
 */
export interface MaxUser {
  user_id: number;
  first_name: string;
  last_name: string | null;
  username: string | null;
  is_bot: boolean;
  last_activity_time: number;
}

export type MaxButton =
  | { type: 'callback'; text: string; payload: string }
  | { type: 'link'; text: string; url: string }
  | { type: 'request_contact'; text: string }
  | { type: 'message'; text: string }
  | { type: 'open_app'; text: string; web_app: string; payload?: string };

export type MaxAttachment =
  | { type: 'image'; payload: { photo_id: number; token: string; url: string } }
  | {
      type: 'contact';
      payload: { vcf_info: string | null; hash: string | null; max_info: MaxUser | null };
    }
  | { type: 'inline_keyboard'; payload: { buttons: MaxButton[][] } };

export interface MaxMessage {
  sender: MaxUser;
  recipient: { chat_id: number; chat_type: 'dialog' | 'chat'; user_id: number | null };
  timestamp: number;
  body: { mid: string; seq: number; text: string | null; attachments: MaxAttachment[] | null };
}

export type MaxUpdate =
  | {
      update_type: 'bot_started';
      timestamp: number;
      chat_id: number;
      user: MaxUser;
      payload: string | null;
      user_locale: string;
    }
  | { update_type: 'message_created'; timestamp: number; message: MaxMessage; user_locale: string | null }
  | {
      update_type: 'message_callback';
      timestamp: number;
      message: MaxMessage | null;
      user_locale: string | null;
      callback: { timestamp: number; callback_id: string; payload: string; user: MaxUser };
    }
  | { update_type: 'bot_added'; timestamp: number; chat_id: number; user: MaxUser; is_channel: boolean }
  | { update_type: 'bot_stopped' | 'bot_removed'; timestamp: number; chat_id: number; user: MaxUser };
