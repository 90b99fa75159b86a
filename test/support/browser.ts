import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless; as root it needs --no-sandbox, and this machine has no network.
 * `args` add to these (a fake camera, say).
 */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
}

/** Chromium on the sandbox page of `sandboxUrl`, once its event stream says it is connected. */
export async function openSandboxPage(
  sandboxUrl: string,
  viewport: { width: number; height: number },
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await page.goto(`${sandboxUrl}/`);
  await page.getByText('на связи').waitFor();
  return { browser, page };
}

/** Adds a person with the page's form and returns their chat pane once it shows. */
export async function addPersonOnPage(
  page: Page,
  name: string,
  languageCode: 'ru' | 'en' = 'ru',
  phone = '',
) {
  await page.fill('#add-person input[name=name]', name);
  await page.selectOption('#add-person select[name=languageCode]', languageCode);
  await page.selectOption('#add-person select[name=phone]', phone);
  await page.click('#add-person button[type=submit]');
  const pane = page.locator('.chat', { has: page.locator('.chat-name', { hasText: name }) });
  await pane.waitFor();
  return pane;
}
