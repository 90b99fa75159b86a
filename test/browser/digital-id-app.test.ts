import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { TestClock } from '../support/clock';
import { openDigitalId } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { launchDataOf } from '../support/mini-app';
import { pathPrefixProxy } from '../support/path-prefix-proxy';
import { readQr } from '../support/qr';
import { ROOT } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';
import { newVerifierKey, verifyByApi } from '../support/verify-api';

const REFRESH_SECONDS = 30;
const clock = new TestClock();
/** Telegram's dark theme, as it passes it in the fragment. */
const DARK = {
  bg_color: '#1c1c1d',
  text_color: '#ffffff',
  button_color: '#3e88f7',
  button_text_color: '#ffffff',
};

let t: TestService;
let browser: Browser;
beforeAll(async () => {
  t = await startTestService({ QR_REFRESH_SECONDS: String(REFRESH_SECONDS) }, { clock });
  browser = await launchChromium();
  await mkdir(`${ROOT}test/artifacts`, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/**
 * The page as a messenger opens it: a phone-wide view, the launch data in the fragment under
 * Telegram's or MAX's name. Every request it makes, and every CSP violation, is recorded.
 */
async function openApp(
  launchData: string,
  options: { dialect?: 'telegram' | 'max'; theme?: object; acceptLanguage?: string } = {},
) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: options.acceptLanguage ?? 'ru-RU',
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const violations: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const fragment = new URLSearchParams(
    options.dialect === 'max'
      ? { WebAppData: launchData, WebAppPlatform: 'android', WebAppVersion: '25.9.0' }
      : {
          tgWebAppData: launchData,
          tgWebAppVersion: '8.0',
          tgWebAppPlatform: 'android',
          ...(options.theme ? { tgWebAppThemeParams: JSON.stringify(options.theme) } : {}),
        },
  );
  await page.goto(`${t.service.httpUrl}/app/digital-id#${fragment}`);
  return { page, requests, violations };
}

/** What the page's timer does at refreshAt, without waiting for it. */
const refreshNow = (page: Page) => page.evaluate('window.digitalId.refresh()');

/** The QR on the screen, read as a checkout's camera reads it. */
const qrOnScreen = async (page: Page) => readQr(await page.locator('#qr').screenshot());

describe('the Digital ID Mini App page', () => {
  it('shows the QR of the scenario picked, which verifies, and the next one after refreshAt', async () => {
    const { person } = await linkedPerson(t, 'Иван', '+79990000001');
    const { page, requests, violations } = await openApp(launchDataOf(t, clock, person.id), { theme: DARK });
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    await page.locator('#qr svg').waitFor();
    await expect.poll(() => page.locator('#countdown').textContent()).toMatch(/^Новый код через \d+ с$/);
    await page.screenshot({ path: `${ROOT}test/artifacts/digital-id-app.png` });
    // The messenger's dark theme, and nothing wider than the phone.
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(28, 28, 29)');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    const first = await qrOnScreen(page);
    expect(first.seq).toBe(0);
    const key = await newVerifierKey(t);
    expect((await verifyByApi(t, key, { qr: first.url, scenario: 'adult' })).body).toEqual({
      result: 'confirmed',
      scenario: 'adult',
    });

    clock.advance(REFRESH_SECONDS + 1);
    await refreshNow(page);
    await expect.poll(() => page.locator('#qr').getAttribute('data-qr')).not.toBe(first.url);
    const second = await qrOnScreen(page);
    expect(second.sid).toBe(first.sid);
    expect(second.seq).toBe(1);
    expect((await verifyByApi(t, key, { qr: second.url, scenario: 'adult' })).body).toEqual({
      result: 'confirmed',
      scenario: 'adult',
    });
    await page.screenshot({ path: `${ROOT}test/artifacts/digital-id-app-refreshed.png` });

    // Back from another app after refreshAt: the page asks at once, not at its old timer.
    clock.advance(REFRESH_SECONDS + 1);
    await page.evaluate(`Object.defineProperty(document, 'hidden', { value: false, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'))`);
    await expect.poll(() => page.locator('#qr').getAttribute('data-qr')).not.toBe(second.url);
    expect((await qrOnScreen(page)).seq).toBe(2);

    // Everything came from the service itself, and the CSP let all of it run.
    expect(requests.filter((url) => !url.startsWith(t.service.httpUrl))).toEqual([]);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('says so when the Digital ID is opened in the chat meanwhile', async () => {
    const { person, chat } = await linkedPerson(t, 'Ольга', '+79990000008');
    const { page } = await openApp(launchDataOf(t, clock, person.id), { dialect: 'max' });
    await page.getByRole('button', { name: 'многодетная семья' }).click();
    await page.locator('#qr svg').waitFor();
    await openDigitalId(chat, 'large_family');
    await refreshNow(page);
    await page.getByText('Этот код закрыт: Цифровой ID открыт в другом месте или истёк.').waitFor();
    expect(await page.locator('#qr').isVisible()).toBe(false);
    await page.screenshot({ path: `${ROOT}test/artifacts/digital-id-app-ended.png` });
    await page.context().close();
  });

  it('keeps the QR through a poll lost on the way, and says it ended once an unlink erased it', async () => {
    const { person, chat } = await linkedPerson(t, 'Пётр', '+79990000001');
    const { page } = await openApp(launchDataOf(t, clock, person.id));
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    await page.locator('#qr svg').waitFor();
    const shown = await page.locator('#qr').getAttribute('data-qr');

    // The phone's network drops the poll: the QR stays, no error screen.
    const polls = '**/api/v1/app/digital-id/sessions/*/qr';
    let dropped = 0;
    await page.route(polls, (route) => {
      dropped += 1;
      return route.abort('internetdisconnected');
    });
    clock.advance(REFRESH_SECONDS + 1);
    await refreshNow(page);
    expect(dropped).toBe(1);
    expect(await page.locator('#qr').getAttribute('data-qr')).toBe(shown);
    expect(await page.locator('#code').isVisible()).toBe(true);
    expect(await page.locator('#notice').isVisible()).toBe(false);

    // Back online, the next poll brings the next QR.
    await page.unroute(polls);
    await refreshNow(page);
    await expect.poll(() => page.locator('#qr').getAttribute('data-qr')).not.toBe(shown);
    expect((await qrOnScreen(page)).seq).toBe(1);

    expect((await chat.say('/unlink')).text).toContain('отвязана');
    await refreshNow(page);
    await page.getByText('Этот код закрыт: Цифровой ID открыт в другом месте или истёк.').waitFor();
    expect(await page.locator('#qr').isVisible()).toBe(false);
    await page.context().close();
  });

  it('asks for the app to be opened again from the chat once its launch data is too old to open a QR', async () => {
    const { person } = await linkedPerson(t, 'Анна', '+79990000002');
    const { page } = await openApp(launchDataOf(t, clock, person.id));
    await page.getByRole('button', { name: 'статус студента' }).click();
    await page.locator('#qr svg').waitFor();
    // The page stays open two hours: the session ran out long ago, and "Open again" asks for
    // the scenarios with launch data too old to open one.
    clock.advance(2 * 3600);
    await refreshNow(page);
    await page.getByRole('button', { name: 'Открыть снова' }).click();
    await page.getByText('Сеанс приложения устарел. Откройте его снова из чата.').waitFor();
    expect(await page.getByRole('button', { name: 'Открыть снова' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Вернуться в чат' }).isVisible()).toBe(true);
    await page.context().close();

    // A link to the page copied two hours ago, opened in English.
    const twoHoursAgo = Math.floor(clock.now().getTime() / 1000) - 2 * 3600;
    const copied = await openApp(
      launchDataOf(t, clock, person.id, {
        user: { id: person.id, first_name: 'Anna', language_code: 'en' },
        authDate: twoHoursAgo,
      }),
    );
    await copied.page.getByText('The app session is out of date. Open it again from the chat.').waitFor();
    expect(await copied.page.getByRole('button', { name: 'Back to the chat' }).isVisible()).toBe(true);
    await copied.page.context().close();
  });

  it('works behind a path prefix, from the launcher on: scripts, API calls and all', async () => {
    const proxy = await pathPrefixProxy(t.service.httpUrl, '/digital-id-service');
    try {
      const { person } = await linkedPerson(t, 'Анна', '+79990000002');
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const fragment = new URLSearchParams({ tgWebAppData: launchDataOf(t, clock, person.id) });
      await page.goto(`${proxy.url}/app#${fragment}`);
      await page.waitForURL(`${proxy.url}/app/digital-id#${fragment}`, { timeout: 10_000 });
      await page.getByRole('button', { name: 'возраст 18+' }).click();
      await page.locator('#qr svg').waitFor();
      expect(requests.length).toBeGreaterThan(5);
      expect(requests.filter((url) => !url.startsWith(`${proxy.url}/`))).toEqual([]);
      await context.close();
    } finally {
      await proxy.close();
    }
  });

  it('tells a person who has not linked an account to link it in the chat, in their language', async () => {
    const stranger = await t.sandbox.createPerson({ name: 'Guest', languageCode: 'en' });
    const launchData = launchDataOf(t, clock, stranger.id, {
      user: { id: stranger.id, first_name: 'Guest', language_code: 'en' },
    });
    const { page } = await openApp(launchData);
    await page.getByText('First link your Gosuslugi account in the chat with the bot: /link.').waitFor();
    expect(await page.getByRole('button', { name: 'Back to the chat' }).isVisible()).toBe(true);
    await page.screenshot({ path: `${ROOT}test/artifacts/digital-id-app-not-linked.png` });
    await page.context().close();
  });
});
