import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, Keyboard } from '@maxhub/max-bot-api';
import { Api } from 'grammy';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openSandboxPage } from '../support/browser';
import { writeFakeCameraVideo } from '../support/fake-camera';
import { linkedPerson } from '../support/linking';
import { readQr } from '../support/qr';
import { ROOT } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';

// The whole Mini App flow offline: the sandbox page opens the service's Digital ID app for a
// linked person in a phone-sized frame, with launch data the sandbox signed as the messenger
// would, and the app draws the person's QR.

let t: TestService;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  t = await startTestService();
  ({ browser, page } = await openSandboxPage(t.service.sandbox!.url, { width: 1280, height: 860 }));
  await mkdir(`${ROOT}test/artifacts`, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const phone = () => page.locator('.phone');
const app = () => page.frameLocator('.phone iframe');

describe('Mini Apps on the sandbox page', () => {
  it("opens a linked person's Digital ID in a phone frame, whose QR is drawn", async () => {
    await linkedPerson(t, 'Иван', '+79990000001');
    await page.locator('#people button', { hasText: 'Иван' }).click();
    const pane = page.locator('.chat', { has: page.locator('.chat-name', { hasText: 'Иван' }) });
    await pane.getByRole('button', { name: 'Цифровой ID' }).click();

    await app().getByRole('button', { name: 'возраст 18+' }).click();
    await app().locator('#qr svg').waitFor();
    const frame = await page.locator('.phone iframe').boundingBox();
    expect(frame?.width).toBe(360);
    expect(frame?.height).toBe(720);
    expect(await phone().locator('.phone-title').textContent()).toBe('Иван · /app/digital-id');
    await page.screenshot({ path: `${ROOT}test/artifacts/sandbox-mini-app.png` });

    // The other control swaps the frame to the scanner, which this citizen may not use.
    await pane.getByRole('button', { name: 'Сканер' }).click();
    await app().getByText('Сканер — для кассиров').waitFor();
    expect(await phone().locator('.phone-title').textContent()).toBe('Иван · /app/scan');
    expect(await phone().count()).toBe(1);
    await phone().getByRole('button', { name: 'Закрыть приложение' }).click();
    await expect.poll(() => phone().count()).toBe(0);
  });

  it("opens the URL of the bot's web_app button pressed in the chat, and the app's way back closes it", async () => {
    const person = await t.sandbox.createPerson({ name: 'Мария' });
    const api = new Api(t.service.sandbox!.token, { apiRoot: t.service.sandbox!.url });
    await api.sendMessage(person.id, 'Цифровой ID в приложении', {
      reply_markup: {
        inline_keyboard: [[{ text: 'Открыть', web_app: { url: `${t.service.publicUrl}/app/digital-id` } }]],
      },
    });
    await page.locator('#people button', { hasText: 'Мария' }).click();
    const pane = page.locator('.chat', { has: page.locator('.chat-name', { hasText: 'Мария' }) });
    await pane.getByRole('button', { name: 'Открыть', exact: true }).click();
    // Not linked: the app says so, signed in as her, and offers the way back to the chat.
    await app().getByText('Сначала привяжите аккаунт Госуслуг').waitFor();
    expect(await phone().locator('.phone-title').textContent()).toBe('Мария · /app/digital-id');
    await app().getByRole('button', { name: 'Вернуться в чат' }).click();
    await expect.poll(() => phone().count()).toBe(0);
  });
});

describe('the whole flow offline on the sandbox page', () => {
  it("a cashier's scanner in one phone frame confirms the QR a citizen's app shows in another", async () => {
    await linkedPerson(t, 'Анна', '+79990000002');
    await linkedPerson(t, 'Светлана', '+79990000012');
    await page.locator('#people button', { hasText: 'Анна' }).click();
    const anna = page.locator('.chat', { has: page.locator('.chat-name', { hasText: 'Анна' }) });
    await anna.getByRole('button', { name: 'Цифровой ID' }).click();
    await app().getByRole('button', { name: 'возраст 18+' }).click();
    await app().locator('#qr svg').waitFor();
    // What the citizen's screen shows, read off the drawing in the frame (a blank or wrong
    // drawing fails here or at the till), not off the page's own record of it.
    const drawn = readQr(await app().locator('#qr').screenshot());

    // The cashier's phone films the citizen's screen: Chromium's fake camera plays that QR.
    const videos = await mkdtemp(join(tmpdir(), 'sandbox-mini-app-'));
    const video = join(videos, 'qr.y4m');
    await writeFakeCameraVideo(video, [{ qr: drawn.url, seconds: 2 }]);
    const filming = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const till = await filming.newPage({ viewport: { width: 1280, height: 860 } });
      await till.goto(`${t.service.sandbox!.url}/`);
      await till.locator('#people button', { hasText: 'Светлана' }).click();
      const pane = till.locator('.chat', { has: till.locator('.chat-name', { hasText: 'Светлана' }) });
      await pane.getByRole('button', { name: 'Сканер' }).click();
      // The camera reaches the app through the frame: the sandbox page delegates it.
      const scanner = till.frameLocator('.phone iframe');
      await scanner.getByRole('button', { name: 'возраст 18+' }).click();
      await scanner.getByText('Подтверждено').waitFor({ timeout: 30_000 });
      await till.screenshot({ path: `${ROOT}test/artifacts/sandbox-mini-app-scanner.png` });
    } finally {
      await filming.close();
      await rm(videos, { recursive: true, force: true });
    }
    await phone().getByRole('button', { name: 'Закрыть приложение' }).click();
  });
});

describe('Mini Apps on the sandbox page in MAX mode', () => {
  let max: TestService;
  let maxPage: Page;
  beforeAll(async () => {
    max = await startTestService({}, { platform: 'max' });
    maxPage = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await maxPage.goto(`${max.service.sandbox!.url}/`);
    await maxPage.getByText('на связи').waitFor();
  });
  afterAll(async () => {
    // The page's event stream and the app's connections first: the servers wait for them.
    await maxPage?.close();
    await max?.stop();
  });

  it("opens the bot's one Mini App URL from an open_app button, signed as MAX signs it", async () => {
    const { person } = await linkedPerson(max, 'Олег', '+79990000001');
    const sandbox = max.service.sandbox!;
    const api = new Bot(sandbox.token, { clientOptions: { baseUrl: sandbox.url } }).api;
    const botName = sandbox.world.bot.username ?? '';
    await api.sendMessageToUser(person.id, 'Цифровой ID в приложении', {
      attachments: [Keyboard.inlineKeyboard([[Keyboard.button.openApp('Открыть', botName)]])],
    });
    await maxPage.locator('#people button', { hasText: 'Олег' }).click();
    const pane = maxPage.locator('.chat', { has: maxPage.locator('.chat-name', { hasText: 'Олег' }) });
    await pane.getByRole('button', { name: 'Открыть', exact: true }).click();
    // No payload: the launcher at /app goes on to the Digital ID, which takes MAX's WebAppData.
    const frame = maxPage.frameLocator('.phone iframe');
    await frame.getByRole('button', { name: 'возраст 18+' }).click();
    await frame.locator('#qr svg').waitFor();
    expect(await maxPage.locator('.phone-title').textContent()).toBe('Олег · /app');
    await maxPage.screenshot({ path: `${ROOT}test/artifacts/sandbox-mini-app-max.png` });
  });
});
