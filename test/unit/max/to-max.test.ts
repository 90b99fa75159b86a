import { Keyboard as MaxKeyboard } from '@maxhub/max-bot-api';
import { InlineKeyboard, Keyboard } from 'grammy';
import { describe, expect, it } from 'vitest';
import { MaxApiError, MaxNetworkError } from '../../../bot/platform/max/client';
import { classify } from '../../../bot/platform/max/max-messenger';
import {
  attachmentsOf,
  coreKeyboard,
  editedMessage,
  MAX_TEXT_LENGTH,
  MaxUnsupported,
  markupKeyboard,
  newMessage,
  storedImage,
  tooLong,
} from '../../../bot/platform/max/to-max';
import { appPageUrl } from '../../../core/messaging/app-pages';

const image = { type: 'image' as const, payload: { token: 'tok' } };

describe('keyboards', () => {
  it("the port's buttons become callback and link buttons", () => {
    expect(
      coreKeyboard([[{ text: 'Да', callbackData: 'yes' }], [{ text: 'Сайт', url: 'https://example.org/' }]]),
    ).toEqual([
      {
        type: 'inline_keyboard',
        payload: {
          buttons: [
            [{ type: 'callback', text: 'Да', payload: 'yes' }],
            [{ type: 'link', text: 'Сайт', url: 'https://example.org/' }],
          ],
        },
      },
    ]);
    expect(coreKeyboard(undefined)).toEqual([]);
    expect(coreKeyboard([[]])).toEqual([]);
  });

  it('an InlineKeyboard becomes the same', () => {
    const markup = new InlineKeyboard().text('Да', 'yes').row().url('Сайт', 'https://example.org/');
    expect(markupKeyboard(markup)).toEqual(
      coreKeyboard([[{ text: 'Да', callbackData: 'yes' }], [{ text: 'Сайт', url: 'https://example.org/' }]]),
    );
  });

  it("the share-phone reply keyboard becomes inline: request_contact, and a message button for 'Cancel'", () => {
    const markup = new Keyboard()
      .requestContact('Поделиться номером')
      .row()
      .text('Отмена')
      .resized()
      .oneTime();
    expect(markupKeyboard(markup)).toEqual([
      {
        type: 'inline_keyboard',
        payload: {
          buttons: [
            [{ type: 'request_contact', text: 'Поделиться номером' }],
            [{ type: 'message', text: 'Отмена' }],
          ],
        },
      },
    ]);
  });

  it('removing a reply keyboard, or no markup, is no attachment', () => {
    expect(markupKeyboard({ remove_keyboard: true })).toEqual([]);
    expect(markupKeyboard(undefined)).toEqual([]);
  });

  it('anything MAX cannot show is refused loudly', () => {
    expect(() => markupKeyboard({ force_reply: true })).toThrow(MaxUnsupported);
    expect(() => markupKeyboard(new InlineKeyboard().switchInline('Поделиться'))).toThrow(
      /switch_inline_query/,
    );
    expect(() => markupKeyboard(new Keyboard().requestPoll('Опрос'))).toThrow(/request_poll/);
    expect(() => markupKeyboard({ ...new Keyboard().text('a'), input_field_placeholder: 'x' })).toThrow(
      /input_field_placeholder/,
    );
  });
});

describe('Mini App buttons', () => {
  const BOT = 'gosuslugi_bot';
  /** The bot's Mini App with its pages under `publicUrl`, as the service builds their URLs. */
  const appUnder = (publicUrl: string) => ({
    botName: BOT,
    pageUrl: (page: 'digital-id' | 'scan') => appPageUrl(publicUrl, page),
  });
  const APP = appUnder('https://id.example.org');
  /** What the official SDK sends for the same button, as JSON carries it. */
  const sdkOpenApp = (text: string, payload: string) =>
    JSON.parse(
      JSON.stringify(
        MaxKeyboard.inlineKeyboard([[MaxKeyboard.button.openApp(text, BOT, undefined, payload)]]),
      ),
    );

  it("a web_app button opens the bot's one Mini App, the page travelling as start_param", () => {
    const markup = new InlineKeyboard()
      .webApp('📱 Открыть как приложение', 'https://id.example.org/app/digital-id')
      .row()
      .webApp('📷 Сканер для кассира', 'https://id.example.org/app/scan');
    expect(markupKeyboard(markup, APP)).toEqual([
      {
        type: 'inline_keyboard',
        payload: {
          buttons: [
            [{ type: 'open_app', text: '📱 Открыть как приложение', web_app: BOT, payload: 'digital-id' }],
            [{ type: 'open_app', text: '📷 Сканер для кассира', web_app: BOT, payload: 'scan' }],
          ],
        },
      },
    ]);
    const [digitalId] = markupKeyboard(
      new InlineKeyboard().webApp('Открыть', 'http://127.0.0.1:8080/app/digital-id'),
      appUnder('http://127.0.0.1:8080/'),
    );
    expect(digitalId).toEqual(sdkOpenApp('Открыть', 'digital-id'));
  });

  it('a PUBLIC_URL with a path of its own still names the page', () => {
    const [keyboard] = markupKeyboard(
      new InlineKeyboard().webApp('Сканер', 'https://gov.example.org/id/app/scan'),
      appUnder('https://gov.example.org/id'),
    );
    expect(keyboard?.payload.buttons[0]?.[0]).toMatchObject({ type: 'open_app', payload: 'scan' });
  });

  it('a web_app URL elsewhere is no page of ours, though its path ends in /app/scan: refused, never the scanner', () => {
    for (const url of [
      'https://evil.example/app/scan',
      'javascript:x//app/scan',
      'http://id.example.org/app/scan',
      'https://id.example.org:8443/app/scan',
      'https://id.example.org.evil.example/app/scan',
      'https://id.example.org/other/app/scan',
      'https://id.example.org/app/scan?next=https://evil.example',
      'https://id.example.org/app/scan#x',
    ])
      expect(() => markupKeyboard(new InlineKeyboard().webApp('Сканер', url), APP), url).toThrow(
        /not a Mini App page/,
      );
  });

  it('a web_app URL that is no Mini App page, or a bot without a public name, is refused at send time', () => {
    for (const url of [
      'https://id.example.org/app/',
      'https://id.example.org/app/admin',
      'https://id.example.org/digital-id',
      'https://id.example.org/app/digital-id/extra',
    ])
      expect(() => markupKeyboard(new InlineKeyboard().webApp('Открыть', url), APP)).toThrow(MaxUnsupported);
    expect(() =>
      markupKeyboard(new InlineKeyboard().webApp('Открыть', 'https://id.example.org/app/scan')),
    ).toThrow(/public name/);
  });
});

describe('texts and bodies', () => {
  it('4,000 characters go, 4,001 do not', () => {
    expect(MAX_TEXT_LENGTH).toBe(4000);
    expect(tooLong('я'.repeat(4000))).toBe(false);
    expect(tooLong('я'.repeat(4001))).toBe(true);
    expect(tooLong(null)).toBe(false);
  });

  it('a send leaves out empty attachments; an edit always lists them, [] for none', () => {
    const keyboard = coreKeyboard([[{ text: 'Да', callbackData: 'yes' }]]);
    expect(newMessage('Привет', [])).toEqual({ text: 'Привет' });
    expect(editedMessage('Привет', [])).toEqual({ text: 'Привет', attachments: [] });
    expect(attachmentsOf(image, keyboard)).toEqual([image, ...keyboard]);
    expect(storedImage(attachmentsOf(image, keyboard))).toEqual(image);
    expect(storedImage(keyboard)).toBeNull();
  });
});

describe('classify', () => {
  const api = (status: number, code: string, method = 'POST') =>
    new MaxApiError(status, code, 'said', method, '/messages');

  it('reads MAX answers as the port failures the outbox steers by', () => {
    expect(classify(api(429, 'too.many.requests'))).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(classify(api(403, 'chat.denied'))).toEqual({ code: 'BLOCKED_BY_USER' });
    expect(classify(api(404, 'not.found', 'PUT'))).toEqual({ code: 'MESSAGE_NOT_FOUND' });
    expect(classify(api(404, 'not.found', 'DELETE'))).toEqual({ code: 'MESSAGE_NOT_FOUND' });
    expect(classify(api(400, 'attachment.not.ready'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(classify(api(502, 'http.502'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(classify(new MaxNetworkError('POST', '/messages', new Error('ECONNRESET')))).toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  it('any other refusal is not a port failure: it is thrown and never retried', () => {
    expect(classify(api(400, 'proto.payload'))).toBeNull();
    expect(classify(api(404, 'not.found', 'POST'))).toBeNull();
    expect(classify(new Error('a bug'))).toBeNull();
  });
});
