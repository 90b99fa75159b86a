import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { TestClock } from '../support/clock';
import { type Scene, writeFakeCameraVideo } from '../support/fake-camera';
import { linkedPerson } from '../support/linking';
import { appCall, launchDataOf, SESSIONS_PATH } from '../support/mini-app';
import { ROOT } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';

// Headless Chromium on Linux has no BarcodeDetector, so these pages read the camera with the
// ZXing WebAssembly build the service serves: the fallback every such phone takes.

const clock = new TestClock();
const VERIFY_PATH = '/api/v1/app/verify';
const CONFIRMED = 'Подтверждено';
const REPLAYED = 'Этот QR-код уже использован. Попросите показать новый.';
const READY = 'Наведите камеру на QR-код Цифрового ID.';

let t: TestService;
let videos: string;
let cashierId: number;
const browsers: Browser[] = [];
beforeAll(async () => {
  t = await startTestService({}, { clock });
  videos = await mkdtemp(join(tmpdir(), 'scan-app-'));
  await mkdir(`${ROOT}test/artifacts`, { recursive: true });
  // The demo registry's cashier, whose account holds the verifier role.
  cashierId = (await linkedPerson(t, 'Светлана', '+79990000012')).person.id;
});
afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await t?.stop();
  if (videos) await rm(videos, { recursive: true, force: true });
});

/** Chromium whose camera films `scenes`, over and over, as its fake capture device does. */
async function cameraFilming(scenes: Scene[]): Promise<Browser> {
  const video = join(videos, `${randomUUID()}.y4m`);
  await writeFakeCameraVideo(video, scenes);
  const browser = await launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  browsers.push(browser);
  return browser;
}

/** The QR a citizen's Digital ID app shows for `adult` right now. */
async function citizenQr(name: string, phone: string): Promise<string> {
  const { person } = await linkedPerson(t, name, phone);
  const opened = await appCall(t, launchDataOf(t, clock, person.id), 'POST', SESSIONS_PATH, {
    scenario: 'adult',
  });
  return String(opened.body.qr);
}

/**
 * `path` as the messenger opens it, phone-wide, with the launch data in the fragment. The
 * scanner's calls and their answers are recorded, as is every request and CSP violation.
 */
async function openApp(browser: Browser, launchData: string, path = '/app/scan') {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' });
  const page = await context.newPage();
  const requests: string[] = [];
  const sent: unknown[] = [];
  const answers: unknown[] = [];
  const violations: string[] = [];
  page.on('request', (request) => {
    requests.push(request.url());
    if (request.url().endsWith(VERIFY_PATH)) sent.push(request.postDataJSON());
  });
  page.on('response', async (response) => {
    if (response.url().endsWith(VERIFY_PATH)) answers.push(await response.json());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const fragment = new URLSearchParams({
    WebAppData: launchData,
    WebAppPlatform: 'android',
    WebAppVersion: '25.9.0',
  });
  await page.goto(`${t.service.httpUrl}${path}#${fragment}`);
  return { page, requests, sent, answers, violations, fragment: fragment.toString() };
}

/** Frames the scanner has looked at so far: waiting on them needs no clock. */
const looks = async (page: Page) => Number(await page.locator('#camera').getAttribute('data-looks'));
const lookedAtMore = async (page: Page, frames: number) => {
  const now = await looks(page);
  await expect.poll(() => looks(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(now + frames);
};

describe("the cashier's scanner Mini App page", () => {
  it('confirms a QR held in front of the camera once, in large green, and sends it no more', async () => {
    const qr = await citizenQr('Иван', '+79990000001');
    const browser = await cameraFilming([{ qr, seconds: 3 }]);
    const { page, requests, sent, answers, violations } = await openApp(
      browser,
      launchDataOf(t, clock, cashierId),
    );
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    await page.locator('#headline', { hasText: CONFIRMED }).waitFor();
    expect(await page.locator('#answer-scenario').textContent()).toBe('возраст 18+');
    expect(await page.evaluate('getComputedStyle(document.getElementById("answer")).backgroundColor')).toBe(
      'rgb(27, 135, 63)',
    );
    await page.screenshot({ path: `${ROOT}test/artifacts/scan-app-confirmed.png` });

    // Ready again, the same QR still in view: looked at, frame after frame, and never sent again.
    await page.locator('#answer').waitFor({ state: 'hidden' });
    await page.getByText(READY).waitFor();
    await lookedAtMore(page, 15);
    expect(answers).toEqual([{ result: 'confirmed', scenario: 'adult' }]);
    // Only the QR's text left the phone, to the service and nowhere else; the CSP let it all run.
    expect(sent).toEqual([{ qr, scenario: 'adult' }]);
    expect(requests.filter((url) => !url.startsWith(t.service.httpUrl))).toEqual([]);
    expect(violations).toEqual([]);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.context().close();
  });

  it('checks a QR again once it has left the frame and come back: red, already checked', async () => {
    const qr = await citizenQr('Елена', '+79990000006');
    const browser = await cameraFilming([
      { qr, seconds: 3 },
      { qr: null, seconds: 3 },
    ]);
    const { page, sent, answers, violations } = await openApp(browser, launchDataOf(t, clock, cashierId));
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    await page.locator('#headline', { hasText: CONFIRMED }).waitFor();
    await page.getByText(REPLAYED).waitFor();
    expect(await page.locator('#headline').textContent()).toBe('Не подтверждено');
    expect(await page.evaluate('getComputedStyle(document.getElementById("answer")).backgroundColor')).toBe(
      'rgb(198, 40, 40)',
    );
    await page.screenshot({ path: `${ROOT}test/artifacts/scan-app-replayed.png` });
    expect(answers.slice(0, 2)).toEqual([
      { result: 'confirmed', scenario: 'adult' },
      { result: 'not_confirmed', scenario: 'adult', reason: 'replayed' },
    ]);
    expect(sent.slice(0, 2)).toEqual([
      { qr, scenario: 'adult' },
      { qr, scenario: 'adult' },
    ]);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('says the answer was lost, not red, when a QR confirmed on the way is sent again', async () => {
    const qr = await citizenQr('Ольга', '+79990000008');
    const browser = await cameraFilming([{ qr, seconds: 3 }]);
    const { page, answers, violations } = await openApp(browser, launchDataOf(t, clock, cashierId));
    // The first check reaches the service, which confirms (and spends) the QR; the phone's
    // network then loses the answer. Later checks go through.
    let checks = 0;
    await page.route(`**${VERIFY_PATH}`, async (route) => {
      checks += 1;
      if (checks > 1) return route.continue();
      await route.fetch();
      return route.abort('internetdisconnected');
    });
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    // Sent again once the retry is due, the QR still in view: the service says it is spent.
    await expect.poll(() => answers.length, { timeout: 20_000 }).toBe(1);
    await page.locator('#answer').waitFor();
    expect(await page.locator('#headline').textContent()).toBe('Ответ не дошёл');
    expect(await page.locator('#reason').textContent()).toBe(
      'Связь прервалась, а код мог уже засчитаться. Попросите показать новый QR-код.',
    );
    expect(await page.evaluate('getComputedStyle(document.getElementById("answer")).backgroundColor')).toBe(
      'rgb(242, 169, 0)',
    );
    await page.screenshot({ path: `${ROOT}test/artifacts/scan-app-answer-lost.png` });
    expect(answers).toEqual([{ result: 'not_confirmed', scenario: 'adult', reason: 'replayed' }]);
    expect(await page.getByText(REPLAYED).count()).toBe(0);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('says quietly that a QR is not a Digital ID, and sends nothing', async () => {
    const browser = await cameraFilming([{ qr: 'https://example.com', seconds: 2 }]);
    const { page, requests, violations } = await openApp(browser, launchDataOf(t, clock, cashierId));
    await page.getByRole('button', { name: 'пенсионер' }).click();
    await page.getByText('Это не QR-код Цифрового ID.').waitFor();
    await lookedAtMore(page, 10);
    await page.screenshot({ path: `${ROOT}test/artifacts/scan-app-not-digital-id.png` });
    expect(await page.locator('#answer').isVisible()).toBe(false);
    expect(requests.filter((url) => url.endsWith(VERIFY_PATH))).toEqual([]);
    expect(violations).toEqual([]);
    await page.context().close();
  });

  it('tells a person without the verifier role so, in their language, before any camera', async () => {
    const { person } = await linkedPerson(t, 'Алексей', '+79990000007', 'en');
    const browser = await cameraFilming([{ qr: null, seconds: 1 }]);
    const { page } = await openApp(
      browser,
      launchDataOf(t, clock, person.id, {
        user: { id: person.id, first_name: 'Alexey', language_code: 'en' },
      }),
    );
    await page
      .getByText('The scanner is for cashiers: your account does not hold the verifier role.')
      .waitFor();
    expect(await page.getByRole('button', { name: 'Back to the chat' }).isVisible()).toBe(true);
    expect(await page.locator('#camera').isVisible()).toBe(false);
    await page.screenshot({ path: `${ROOT}test/artifacts/scan-app-not-a-verifier.png` });
    await page.context().close();
  });
});

describe('the /app launcher, the one Mini App URL a MAX bot has', () => {
  it('opens the scanner for start_param scan and the Digital ID otherwise, the fragment kept', async () => {
    const browser = await cameraFilming([{ qr: null, seconds: 1 }]);
    const scan = await openApp(
      browser,
      launchDataOf(t, clock, cashierId, { extra: { start_param: 'scan' } }),
      '/app',
    );
    await scan.page.waitForURL(/\/app\/scan#/);
    expect(new URL(scan.page.url()).hash).toBe(`#${scan.fragment}`);
    await scan.page.getByRole('button', { name: 'возраст 18+' }).waitFor();
    expect(scan.violations).toEqual([]);
    await scan.page.context().close();

    const citizen = await openApp(browser, launchDataOf(t, clock, cashierId), '/app');
    await citizen.page.waitForURL(/\/app\/digital-id#/);
    expect(new URL(citizen.page.url()).hash).toBe(`#${citizen.fragment}`);
    await citizen.page.getByRole('button', { name: 'возраст 18+' }).waitFor();
    expect(citizen.violations).toEqual([]);
    await citizen.page.context().close();
  });

  it.each(['//evil.example', 'javascript:alert(1)', '../../x'])(
    'takes start_param %s for the Digital ID, on the service’s own address',
    async (startParam) => {
      const browser = await cameraFilming([{ qr: null, seconds: 1 }]);
      const odd = await openApp(
        browser,
        launchDataOf(t, clock, cashierId, { extra: { start_param: startParam } }),
        '/app',
      );
      await odd.page.waitForURL(`${t.service.httpUrl}/app/digital-id#${odd.fragment}`, { timeout: 10_000 });
      await odd.page.getByRole('button', { name: 'возраст 18+' }).waitFor();
      expect(odd.requests.filter((url) => !url.startsWith(`${t.service.httpUrl}/`))).toEqual([]);
      expect(odd.violations).toEqual([]);
      await odd.page.context().close();
    },
  );
});

describe('a scanner checking faster than its limit', () => {
  let limited: TestService;
  beforeAll(async () => {
    limited = await startTestService({ VERIFY_RATE_LIMIT_PER_MINUTE: '1' }, { clock });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('is asked to slow down, with no red answer, as the QR was not checked', async () => {
    const cashier = await linkedPerson(limited, 'Светлана', '+79990000012');
    const citizen = await linkedPerson(limited, 'Иван', '+79990000001');
    const opened = await appCall(
      limited,
      launchDataOf(limited, clock, citizen.person.id),
      'POST',
      SESSIONS_PATH,
      {
        scenario: 'adult',
      },
    );
    const browser = await cameraFilming([
      { qr: String(opened.body.qr), seconds: 3 },
      { qr: null, seconds: 3 },
    ]);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ru-RU' });
    const page = await context.newPage();
    const fragment = new URLSearchParams({ WebAppData: launchDataOf(limited, clock, cashier.person.id) });
    await page.goto(`${limited.service.httpUrl}/app/scan#${fragment}`);
    await page.getByRole('button', { name: 'возраст 18+' }).click();
    await page.locator('#headline', { hasText: CONFIRMED }).waitFor();
    await page.getByText('Слишком много проверок подряд. Подождите немного.').waitFor();
    expect(await page.locator('#answer').isVisible()).toBe(false);
    await context.close();
  });
});
