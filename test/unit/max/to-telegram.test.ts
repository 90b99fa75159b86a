import { describe, expect, it } from 'vitest';
import { messageAlias } from '../../../bot/platform/max/ids';
import { toTelegramUpdate, vcardPhone } from '../../../bot/platform/max/to-telegram';
import type { MaxAnyUpdate, MaxAttachment, MaxMessage, MaxUser } from '../../../bot/platform/max/types';
import { updateId } from '../../../bot/platform/max/update-id';
import { normalizeRussianPhone } from '../../../core/identity/phone';

const BOT_ID = 9;
const CHAT_ID = 1_000_000_000_501;
const anna: MaxUser = { user_id: 501, first_name: 'Анна', last_name: null, username: 'anna', is_bot: false };
const bot: MaxUser = { user_id: BOT_ID, first_name: 'Бот', is_bot: true };

const fromAnna = (body: Partial<MaxMessage['body']>): MaxMessage => ({
  sender: anna,
  recipient: { chat_id: CHAT_ID, chat_type: 'dialog', user_id: BOT_ID },
  timestamp: 1_790_000_000_999,
  body: { mid: 'mid.1', seq: 1, ...body },
});
const said = (body: Partial<MaxMessage['body']>, locale: string | null = 'ru'): MaxAnyUpdate => ({
  update_type: 'message_created',
  timestamp: 1_790_000_001_000,
  message: fromAnna(body),
  user_locale: locale,
});
const convert = (update: MaxAnyUpdate) => toTelegramUpdate(update, BOT_ID);
const vcard = (...lines: string[]) =>
  ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Анна', ...lines, 'END:VCARD'].join('\r\n');
const contact = (vcf: string | null, owner: MaxUser | null = anna): MaxAttachment => ({
  type: 'contact',
  payload: { vcf_info: vcf, hash: 'h', max_info: owner },
});

describe('bot_started', () => {
  it('is /start with its payload, a command the bot matches, from the person in their dialog', () => {
    const update = convert({
      update_type: 'bot_started',
      timestamp: 1_790_000_000_500,
      chat_id: CHAT_ID,
      user: anna,
      payload: 'link_42',
      user_locale: 'en',
    });
    expect(update?.message).toMatchObject({
      text: '/start link_42',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      chat: { id: CHAT_ID, type: 'private', first_name: 'Анна' },
      from: { id: 501, is_bot: false, first_name: 'Анна', username: 'anna', language_code: 'en' },
      date: 1_790_000_000,
    });
  });

  it('without a payload is a bare /start', () => {
    const update = convert({
      update_type: 'bot_started',
      timestamp: 1,
      chat_id: CHAT_ID,
      user: anna,
      payload: null,
    });
    expect(update?.message?.text).toBe('/start');
  });
});

describe('message_created', () => {
  it('is a text message in the dialog chat (not the user id), known by the alias of its mid', () => {
    const update = convert(said({ text: 'привет' }));
    expect(update?.update_id).toBe(
      updateId({ update_type: 'message_created', timestamp: 0, message: fromAnna({}) }),
    );
    expect(update?.message).toMatchObject({
      message_id: messageAlias('mid.1'),
      text: 'привет',
      chat: { id: CHAT_ID, type: 'private' },
      from: { id: 501, language_code: 'ru' },
      date: 1_790_000_000,
    });
    expect(update?.message?.entities).toBeUndefined();
  });

  it('a command typed with arguments gets the bot_command entity over the command alone', () => {
    expect(convert(said({ text: '/block 77' }))?.message?.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 6 },
    ]);
  });

  it('in a group chat is a group message', () => {
    const update = convert({
      update_type: 'message_created',
      timestamp: 1,
      message: {
        ...fromAnna({ text: 'всем' }),
        recipient: { chat_id: -77, chat_type: 'chat', user_id: null },
      },
    });
    expect(update?.message?.chat).toMatchObject({ id: -77, type: 'group' });
  });

  it('an image is a one-size photo whose file id is its URL; its text is the caption', () => {
    const url = 'https://i.example/photo.png?sig=1';
    const update = convert(
      said({ text: 'вот', attachments: [{ type: 'image', payload: { photo_id: 4242, token: 't', url } }] }),
    );
    expect(update?.message?.photo).toEqual([{ file_id: url, file_unique_id: '4242', width: 0, height: 0 }]);
    expect(update?.message?.caption).toBe('вот');
    expect(update?.message?.text).toBeUndefined();
  });

  it('a contact carries the vCard number, normalisable as the forms do, and whose account it is', () => {
    const update = convert(said({ attachments: [contact(vcard('TEL;TYPE=cell:+7 (916) 123-45-67'))] }));
    expect(update?.message?.contact).toEqual({
      phone_number: '+79161234567',
      first_name: 'Анна',
      user_id: 501,
    });
    expect(normalizeRussianPhone(update?.message?.contact?.phone_number ?? '')).toBe('+79161234567');
  });

  it('a contact from the phone book without a MAX account has no user id, so it is not taken as own', () => {
    const update = convert(said({ attachments: [contact(vcard('TEL:89161234567'), null)] }));
    expect(update?.message?.contact).toEqual({ phone_number: '89161234567', first_name: '' });
  });

  it('a contact without a number is no contact at all, so the form asks again', () => {
    expect(convert(said({ attachments: [contact(vcard())] }))?.message?.contact).toBeUndefined();
    expect(convert(said({ attachments: [contact(null)] }))?.message?.contact).toBeUndefined();
  });

  it('of several numbers the mobile one is taken, else the first', () => {
    expect(vcardPhone(vcard('TEL;TYPE=work:+74951234567', 'TEL;TYPE=CELL:+79161234567'))).toBe(
      '+79161234567',
    );
    expect(vcardPhone(vcard('TEL;TYPE=work:+74951234567', 'TEL;TYPE=home:+74957654321'))).toBe(
      '+74951234567',
    );
    expect(vcardPhone(vcard('item1.TEL;VALUE=uri:tel:+7-916-123-45-67'))).toBe('+79161234567');
    // A folded line (RFC 6350) is read whole.
    expect(vcardPhone('BEGIN:VCARD\r\nTEL;TYPE=cell:+7916\r\n 1234567\r\nEND:VCARD')).toBe('+79161234567');
  });

  it('reads what MAX leaves out or nulls without failing', () => {
    const bare = convert(said({ text: null, attachments: null }, null));
    expect(bare?.message).toMatchObject({ message_id: messageAlias('mid.1'), chat: { id: CHAT_ID } });
    expect(bare?.message?.from?.language_code).toBeUndefined();
    const odd = convert(said({ text: 'x', attachments: [null, { type: 'sticker' }] as never }));
    expect(odd?.message?.text).toBe('x');
    const anonymous = { ...fromAnna({ text: 'x' }), sender: null };
    expect(
      convert({ update_type: 'message_created', timestamp: 1, message: anonymous })?.message?.from,
    ).toBeUndefined();
  });

  it('in a channel, or with no chat to answer in, is not handled', () => {
    const channel = { ...fromAnna({ text: 'x' }), recipient: { chat_id: -5, chat_type: 'channel' as const } };
    expect(convert({ update_type: 'message_created', timestamp: 1, message: channel })).toBeNull();
    const nowhere = { ...fromAnna({ text: 'x' }), recipient: { chat_type: 'dialog' as const } };
    expect(convert({ update_type: 'message_created', timestamp: 1, message: nowhere })).toBeNull();
  });
});

describe('message_callback', () => {
  const botMessage: MaxMessage = {
    sender: bot,
    recipient: { chat_id: CHAT_ID, chat_type: 'dialog', user_id: 501 },
    timestamp: 1_790_000_000_000,
    body: { mid: 'mid.bot', seq: 3, text: 'Меню' },
  };
  const press = (message: MaxMessage | null): MaxAnyUpdate => ({
    update_type: 'message_callback',
    timestamp: 1_790_000_002_000,
    message,
    user_locale: 'en',
    callback: { timestamp: 1_790_000_002_000, callback_id: 'cb-1', payload: 'menu:open', user: anna },
  });

  it('is a callback query on the bot message it was pressed under, in the person dialog', () => {
    const query = convert(press(botMessage))?.callback_query;
    expect(query).toMatchObject({
      id: 'cb-1',
      data: 'menu:open',
      from: { id: 501, language_code: 'en' },
      message: {
        message_id: messageAlias('mid.bot'),
        text: 'Меню',
        chat: { id: CHAT_ID, type: 'private', first_name: 'Анна' },
        from: { id: BOT_ID, is_bot: true },
      },
    });
    expect(query?.message?.from?.language_code).toBeUndefined();
  });

  it('without its message (MAX may send null) is still a press, with no message', () => {
    const query = convert(press(null))?.callback_query;
    expect(query).toMatchObject({ id: 'cb-1', data: 'menu:open', from: { id: 501 } });
    expect(query?.message).toBeUndefined();
  });
});

describe('other updates', () => {
  it('bot_stopped is the person blocking the bot in their dialog', () => {
    const update = convert({
      update_type: 'bot_stopped',
      timestamp: 1_790_000_000_000,
      chat_id: CHAT_ID,
      user: anna,
    });
    expect(update?.my_chat_member).toMatchObject({
      chat: { id: CHAT_ID, type: 'private' },
      from: { id: 501 },
      old_chat_member: { status: 'member', user: { id: BOT_ID } },
      new_chat_member: { status: 'kicked', user: { id: BOT_ID } },
    });
  });

  it('an unknown type, or a known one missing what identifies it, is not handled', () => {
    expect(convert({ update_type: 'bot_added', timestamp: 1 })).toBeNull();
    expect(convert({ update_type: 'message_created', timestamp: 1 })).toBeNull();
    expect(convert({ update_type: 'message_callback', timestamp: 1, callback: null } as never)).toBeNull();
    expect(convert({ update_type: 'bot_started', timestamp: 1, chat_id: CHAT_ID } as never)).toBeNull();
  });
});
