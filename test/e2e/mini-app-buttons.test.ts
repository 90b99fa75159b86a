import { randomBytes } from 'node:crypto';
import type { InlineKeyboardButton } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../app/config';
import type { ChatEntry } from '../../sandbox/world';
import { chatWith } from '../support/chat';
import { openDigitalId, sentQrOf } from '../support/digital-id';
import { linkedPerson } from '../support/linking';
import { E2E_PLATFORMS, servicePerPlatform } from '../support/platforms';
import { startRoleProcess, startTestService, type TestService } from '../support/service';

// Issue 15, part 3: the bot offers the Mini App (PRODUCT.md §8) and keeps the in-chat QR.

const serviceOn = servicePerPlatform((platform) => startTestService({}, { platform }));
/** The service of the suite running now. */
let t: TestService;

type AppButton = InlineKeyboardButton.WebAppButton & { start_param?: string };

/** The buttons of a message that open a Mini App, by their label. */
const appButtons = (entry: ChatEntry): Map<string, AppButton> =>
  new Map(
    (entry.inlineKeyboard ?? [])
      .flat()
      .filter((b): b is AppButton => 'web_app' in b)
      .map((b) => [b.text, b]),
  );

/**
 * The page a Mini App button opens, as the person's messenger opens it. Telegram opens the
 * button's URL. MAX opens the one Mini App URL registered for the bot, whose launcher routes
 * by the button's payload; the sandbox keeps that payload beside the button as `start_param`.
 */
function pageOpenedBy(platform: Platform, button: AppButton | undefined): string | undefined {
  if (!button) return undefined;
  if (platform === 'telegram') return button.web_app.url;
  // Whatever the page, MAX opens the bot's one Mini App: the launcher the service serves.
  expect(button.web_app.url).toBe(`${t.service.publicUrl}/app`);
  return button.start_param && `${button.web_app.url}/${button.start_param}`;
}

const OPEN_AS_APP = '📱 Открыть как приложение';
const SCANNER = '📷 Сканер для кассира';

describe.each(E2E_PLATFORMS)('the bot offers the Mini App on %s', (platform) => {
  beforeAll(async () => {
    t = await serviceOn(platform);
  });
  const citizenPage = () => `${t.service.publicUrl}/app/digital-id`;
  const scannerPage = () => `${t.service.publicUrl}/app/scan`;

  it('offers a linked citizen the Digital ID as an app in the menu and on /id, and no scanner', async () => {
    const { chat } = await linkedPerson(t, 'Иван', '+79990000001');
    const menu = appButtons(await chat.say('/start'));
    expect(pageOpenedBy(platform, menu.get(OPEN_AS_APP))).toBe(citizenPage());
    expect(menu.has(SCANNER)).toBe(false);

    const choice = await chat.say('/id');
    expect(choice.inlineKeyboard?.flat().map((b) => b.text)).toContain('возраст 18+');
    expect(pageOpenedBy(platform, appButtons(choice).get(OPEN_AS_APP))).toBe(citizenPage());
  });

  it('keeps the in-chat QR: the status picked beside the app button gives a QR that reads', async () => {
    const { chat } = await linkedPerson(t, 'Алексей', '+79990000007');
    const photo = await openDigitalId(chat, 'large_family');
    const qr = await sentQrOf(t, photo);
    expect(qr.seq).toBe(0);
    expect(qr.url.startsWith(`${t.service.publicUrl}/v/`)).toBe(true);
  });

  it('offers a cashier the scanner in the menu and on /verify', async () => {
    const { chat } = await linkedPerson(t, 'Светлана', '+79990000012');
    const menu = appButtons(await chat.say('/start'));
    expect(pageOpenedBy(platform, menu.get(SCANNER))).toBe(scannerPage());
    expect(pageOpenedBy(platform, menu.get(OPEN_AS_APP))).toBe(citizenPage());

    const desk = appButtons(await chat.say('/verify'));
    expect(pageOpenedBy(platform, desk.get(SCANNER))).toBe(scannerPage());
  });

  it('offers the app in English to a person whose messenger is in English, even before linking', async () => {
    const john = await t.sandbox.createPerson({ name: 'John', languageCode: 'en' });
    const menu = appButtons(await chatWith(t.sandbox, john.id).say('/start'));
    expect([...menu.keys()]).toEqual(['📱 Open as app']);
    expect(pageOpenedBy(platform, menu.get('📱 Open as app'))).toBe(citizenPage());
  });
});

describe('a MAX bot without a public name', () => {
  const KEY = randomBytes(32).toString('base64');
  let service: TestService;
  let bot: ReturnType<typeof startRoleProcess>;
  beforeAll(async () => {
    service = await startTestService(
      { ROLES: 'sandbox,api,worker', KEY_ENCRYPTION_KEY: KEY },
      { platform: 'max' },
    );
    // The bot as MAX may know it: no public name, so GET /me gives `username: null`. An
    // open_app button must name the bot, so it cannot offer its Mini App.
    delete service.service.sandbox?.world.bot.username;
    bot = startRoleProcess(service, { ROLES: 'bot', KEY_ENCRYPTION_KEY: KEY, LOG_LEVEL: 'info' });
    await bot.ready;
  }, 120_000);
  afterAll(async () => {
    bot?.child.kill('SIGTERM');
    await bot?.exited;
    await service?.stop();
  });
  const labels = (entry: ChatEntry) => (entry.inlineKeyboard ?? []).flat().map((b) => b.text);
  const scenarios = ['возраст 18+', 'статус студента', 'многодетная семья', 'участник СВО'];

  it('still answers /start, /id and /verify with their keyboards minus the app buttons, and says once what to set up', async () => {
    const { chat } = await linkedPerson(service, 'Светлана', '+79990000012');
    const menu = await chat.say('/start');
    expect(menu.text).toContain('Здравствуйте');
    expect(labels(menu)).toEqual([
      '🔗 Привязать Госуслуги',
      '🪪 Цифровой ID',
      '🤝 Доверенный контакт',
      '🛡 Как не попасться мошенникам',
      '❓ Помощь',
    ]);
    const choice = await chat.say('/id');
    expect(choice.text).toContain('Что нужно подтвердить?');
    expect(labels(choice)).toContain('возраст 18+');
    expect(appButtons(choice).size).toBe(0);
    const desk = await chat.say('/verify');
    expect(desk.text).toContain('Что вы проверяете?');
    expect(labels(desk)).toEqual(expect.arrayContaining(scenarios));
    expect(appButtons(desk).size).toBe(0);
    // The in-chat QR still works beside it.
    const qr = await sentQrOf(service, await openDigitalId(chat, 'adult'));
    expect(qr.seq).toBe(0);

    const warnings = bot.output().match(/the MAX bot has no public name/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(bot.output()).toContain('give the bot a public name');
  }, 120_000);
});
