import { appPageOf } from '../../../core/messaging/app-pages';
import type { InlineButton } from '../../../core/messaging/outgoing-message';
import type { AppUrl } from '../../features/app-buttons';
import type { MaxAttachmentRequest, MaxButton, MaxNewMessageBody } from './types';

/** MAX's longest text [schema, `NewMessageBody.text.maxLength`], counted as the sandbox counts it. */
export const MAX_TEXT_LENGTH = 4000;

/**
 * Something the bot asked for that MAX cannot do. Refused loudly, never dropped: a keyboard
 * silently lost would leave a person with no way to answer.
 */
export class MaxUnsupported extends Error {
  constructor(what: string) {
    super(`${what} is not supported on MAX`);
    this.name = 'MaxUnsupported';
  }
}

/** Whether MAX would refuse the text as too long (it is never cut). */
export const tooLong = (text: string | null | undefined): boolean => (text ?? '').length > MAX_TEXT_LENGTH;

export type ImageAttachment = Extract<MaxAttachmentRequest, { type: 'image' }>;
type KeyboardAttachment = Extract<MaxAttachmentRequest, { type: 'inline_keyboard' }>;

/** The keyboard attachment for rows of buttons, or none for no rows. */
function keyboard(rows: MaxButton[][]): KeyboardAttachment[] {
  const kept = rows.filter((row) => row.length > 0);
  return kept.length === 0 ? [] : [{ type: 'inline_keyboard', payload: { buttons: kept } }];
}

/** The port's buttons (core's `InlineButton`s) as a keyboard attachment, or none. */
export function coreKeyboard(rows: InlineButton[][] | undefined): KeyboardAttachment[] {
  return keyboard(
    (rows ?? []).map((row) =>
      row.map(
        (b): MaxButton =>
          'url' in b
            ? { type: 'link', text: b.text, url: b.url }
            : { type: 'callback', text: b.text, payload: b.callbackData },
      ),
    ),
  );
}

type TelegramButton = { text: string } & Record<string, unknown>;

const webAppUrl = (b: TelegramButton): string | null => {
  const webApp = b.web_app as { url?: unknown } | undefined;
  return typeof webApp?.url === 'string' ? webApp.url : null;
};

/** The bot's Mini App on MAX: the public name its `open_app` buttons name, and its pages' URLs. */
export interface MaxMiniApp {
  botName: string;
  pageUrl: AppUrl;
}

/**
 * A Telegram `web_app` button as MAX's `open_app`. MAX opens only the one Mini App URL
 * registered for the bot, named by the bot's public name [schema, `OpenAppButton`]: the page
 * travels as the payload, which the app gets as `start_param` and its launcher at `/app`
 * routes by (`…/app/scan` → `scan`). Only the exact URL of one of our pages is one: any other
 * (another host or scheme, whatever its path) is refused, not dropped.
 */
function openAppButton(text: string, url: string, app: MaxMiniApp | undefined): MaxButton {
  if (!app) throw new MaxUnsupported("a web_app button without the bot's public name");
  const page = appPageOf(url, app.pageUrl);
  if (!page) throw new MaxUnsupported(`a web_app button to ${url}, which is not a Mini App page`);
  return { type: 'open_app', text, web_app: app.botName, payload: page };
}

/**
 * A Telegram inline button: callback data becomes a callback payload, a URL a link, a Mini App
 * page an `open_app` button of the bot's Mini App.
 */
function inlineButton(b: TelegramButton, app: MaxMiniApp | undefined): MaxButton {
  const extra = Object.keys(b).filter((k) => k !== 'text' && b[k] !== undefined);
  if (extra.length === 1 && typeof b.callback_data === 'string')
    return { type: 'callback', text: b.text, payload: b.callback_data };
  if (extra.length === 1 && typeof b.url === 'string') return { type: 'link', text: b.text, url: b.url };
  const appUrl = webAppUrl(b);
  if (extra.length === 1 && appUrl !== null) return openAppButton(b.text, appUrl, app);
  throw new MaxUnsupported(`an inline button with ${extra.join(', ') || 'no action'}`);
}

/**
 * A reply-keyboard button: MAX has no reply keyboards, so it becomes an inline button. Sharing
 * a phone is `request_contact`; a plain text button is a `message` button, which sends its text
 * from the person, as pressing a reply button does on Telegram.
 */
function replyButton(b: string | TelegramButton): MaxButton {
  if (typeof b === 'string') return { type: 'message', text: b };
  const extra = Object.keys(b).filter((k) => k !== 'text' && b[k] !== undefined && b[k] !== false);
  if (extra.length === 0) return { type: 'message', text: b.text };
  if (extra.length === 1 && b.request_contact === true) return { type: 'request_contact', text: b.text };
  throw new MaxUnsupported(`a keyboard button with ${extra.join(', ')}`);
}

/** Reply-keyboard options that only shape how Telegram shows it; MAX's inline keyboard has none. */
const REPLY_KEYBOARD_LOOKS = new Set(['keyboard', 'resize_keyboard', 'one_time_keyboard', 'is_persistent']);

/**
 * A Telegram `reply_markup` as MAX attachments: an inline keyboard, a reply keyboard turned
 * inline, or nothing (no markup, or `remove_keyboard`: MAX has no reply keyboard to remove).
 * `app` is needed only when the markup opens the Mini App.
 */
export function markupKeyboard(markup: unknown, app?: MaxMiniApp): KeyboardAttachment[] {
  if (markup === undefined || markup === null) return [];
  const m = markup as Record<string, unknown>;
  if (Array.isArray(m.inline_keyboard))
    return keyboard(
      (m.inline_keyboard as TelegramButton[][]).map((row) => row.map((b) => inlineButton(b, app))),
    );
  if (Array.isArray(m.keyboard)) {
    const unknown = Object.keys(m).filter((k) => !REPLY_KEYBOARD_LOOKS.has(k) && m[k] !== undefined);
    if (unknown.length > 0) throw new MaxUnsupported(`a reply keyboard with ${unknown.join(', ')}`);
    return keyboard((m.keyboard as (string | TelegramButton)[][]).map((row) => row.map(replyButton)));
  }
  if (m.remove_keyboard === true) return [];
  throw new MaxUnsupported(`reply_markup ${JSON.stringify(markup).slice(0, 100)}`);
}

/** A picture (or none) and a keyboard (or none), in the order MAX shows them. */
export const attachmentsOf = (
  image: ImageAttachment | null,
  keyboardAttachments: KeyboardAttachment[],
): MaxAttachmentRequest[] => [...(image ? [image] : []), ...keyboardAttachments];

/** A send's body: as the SDK sends it, with no `attachments` when there are none. */
export function newMessage(text: string | null, attachments: MaxAttachmentRequest[]): MaxNewMessageBody {
  return attachments.length === 0 ? { text } : { text, attachments };
}

/**
 * An edit's body. It always lists every attachment (`[]` for none): MAX keeps the old ones on
 * `null`, and a stale keyboard would stay pressable.
 */
export const editedMessage = (
  text: string | null,
  attachments: MaxAttachmentRequest[],
): MaxNewMessageBody => ({
  text,
  attachments,
});

/** The image among a stored message's attachments: an edit that keeps the picture resends it. */
export const storedImage = (attachments: MaxAttachmentRequest[]): ImageAttachment | null =>
  attachments.find((a): a is ImageAttachment => a.type === 'image') ?? null;
