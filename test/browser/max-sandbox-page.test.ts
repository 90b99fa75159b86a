import { Bot, Keyboard } from '@maxhub/max-bot-api';
import type { Update } from '@maxhub/max-bot-api/types';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger';
import { SandboxClient } from '../../sandbox/client';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { openSandboxPage } from '../support/browser';

// The page is shared by both dialects: a MAX bot's photos, keyboards and edits show as a
// Telegram bot's do, MAX's inline request_contact button shares the person's number, and its message button
// sends its text as the person's message.

let sandbox: Sandbox;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, ratePerSecond: 0, logger: createLogger('silent'), dialect: 'max' });
  ({ browser, page } = await openSandboxPage(sandbox.url, { width: 1280, height: 800 }));
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

describe('the sandbox page in MAX mode', () => {
  it('shows a MAX bot message with its photo, keyboard and edit; its buttons reach the bot', async () => {
    const api = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } }).api;
    const person = await new SandboxClient(sandbox.url).createPerson({
      name: 'Ольга',
      phone: '+79990000007',
    });
    await page.locator('#people button', { hasText: 'Ольга' }).click();
    const pane = page.locator('.chat', { has: page.locator('.chat-name', { hasText: 'Ольга' }) });
    await pane.waitFor();

    const image = await api.uploadImage({ source: await QRCode.toBuffer('max', { width: 120 }) });
    const keyboard = Keyboard.inlineKeyboard([
      [Keyboard.button.callback('Обновить', 'refresh')],
      [Keyboard.button.requestContact('Поделиться номером')],
      [Keyboard.button.message('Отмена')],
    ]);
    const sent = await api.sendMessageToUser(person.id, 'Ваш QR', {
      attachments: [image.toJson(), keyboard],
    });
    const bubble = pane.locator('.bubble.bot');
    await bubble.locator('img').waitFor();
    await bubble.getByText('Ваш QR').waitFor();

    await api.editMessage(sent.body.mid, { text: 'Ваш новый QR' });
    await bubble.getByText('Ваш новый QR').waitFor();
    expect(await bubble.locator('.edited').count()).toBe(1);

    await bubble.getByRole('button', { name: 'Обновить' }).click();
    await bubble.getByRole('button', { name: /Поделиться номером/ }).click();
    await pane.locator('.bubble.person .contact', { hasText: '79990000007' }).waitFor();
    await bubble.getByRole('button', { name: 'Отмена' }).click();
    await pane.locator('.bubble.person', { hasText: 'Отмена' }).waitFor();
    const updates: Update[] = [];
    let marker: number | undefined;
    while (updates.length < 3) {
      const answer = await api.getUpdates([], { timeout: 5, ...(marker ? { marker } : {}) });
      updates.push(...answer.updates);
      marker = answer.marker ?? undefined;
    }
    expect(updates.map((u) => u.update_type)).toEqual([
      'message_callback',
      'message_created',
      'message_created',
    ]);
    // The message button's text arrives as the person's own message.
    expect(updates[2]).toMatchObject({ message: { body: { text: 'Отмена' } } });
  });
});
