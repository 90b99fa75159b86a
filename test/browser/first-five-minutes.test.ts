import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPersonOnPage, openSandboxPage } from '../support/browser';
import { ROOT } from '../support/run-process';
import { startTestService, type TestService } from '../support/service';

let t: TestService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await startTestService();
  ({ browser, page } = await openSandboxPage(t.service.sandbox!.url, { width: 1280, height: 900 }));
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe("the README's first five minutes, on the sandbox page", () => {
  it('links an account with the code from the SMS panel and opens a Digital ID; the README shows this page', async () => {
    const anna = await addPersonOnPage(page, 'Анна', 'ru', '+79990000002');
    await anna.locator('input[name=text]').fill('/link');
    await anna.locator('.send').click();
    await anna.locator('.reply-keyboard button', { hasText: 'Поделиться номером' }).click();
    const sms = page.locator('#sms li', { hasText: 'Код для привязки Госуслуг' }).first();
    const code = /\d{6}/.exec((await sms.textContent()) ?? '')?.[0];
    expect(code).toBeDefined();
    await anna.locator('input[name=text]').fill(code!);
    await anna.locator('.send').click();
    await anna.getByText('Готово, Анна!').waitFor();

    await anna.locator('input[name=text]').fill('/id');
    await anna.locator('.send').click();
    await anna.getByRole('button', { name: 'возраст 18+' }).click();
    const photo = anna.locator('.bubble.bot img');
    await photo.waitFor();
    await expect
      .poll(() => photo.evaluate((img) => (img as { naturalWidth?: number }).naturalWidth))
      .toBeGreaterThan(0);
    expect(await photo.getAttribute('alt')).toContain('Цифровой ID: возраст 18+');

    await anna.locator('.bubble').last().scrollIntoViewIfNeeded();
    // The README's screenshot, regenerated on every run (it changes: the QR is signed anew).
    await page.screenshot({ path: `${ROOT}docs/sandbox-first-five-minutes.png` });
  });
});
