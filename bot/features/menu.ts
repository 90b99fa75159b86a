import { Composer, InlineKeyboard } from 'grammy';
import { TC_DATA } from '../../core/trusted-contact/callback-data';
import type { BotContext } from '../context';
import { type AppUrl, appButton } from './app-buttons';
import { LINK_DATA, MENU_DATA } from './menu-data';

/** Callback data of the information pages; the page name is the Fluent key's suffix. */
const PAGES = ['digital-id', 'trusted-contact', 'safety'] as const;
type Page = (typeof PAGES)[number];
const pageData = (page: Page) => MENU_DATA.info.build(page);

const backButton = (ctx: BotContext) =>
  new InlineKeyboard().text(ctx.t('button-back'), MENU_DATA.home.build());

/** The configured figures the information pages state. */
export interface MenuSettings {
  /** QR_REFRESH_SECONDS */
  qrRefreshSeconds: number;
  /** TRUSTORS_PER_CONTACT */
  trustorsPerContact: number;
}

/** What the menu asks beyond its figures: the Mini App's address and who is a cashier. */
export interface MenuDeps {
  appUrl: AppUrl | null;
  isVerifier(messengerUserId: number): Promise<boolean>;
}

/**
 * /start, /help, /safety and the menu of information pages. Pages open in place of the menu
 * (one message edited), so the chat does not fill with repeated menus.
 */
export function menuFeature(settings: MenuSettings, deps: MenuDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const greeting = (ctx: BotContext) => ctx.t('start-greeting', { name: ctx.from?.first_name ?? '' });
  const figures = {
    refreshSeconds: settings.qrRefreshSeconds,
    trustorsPerContact: settings.trustorsPerContact,
  };

  /** The services, the Digital ID also as an app, and the scanner for people who check QRs. */
  async function mainMenu(ctx: BotContext): Promise<InlineKeyboard> {
    const menu = new InlineKeyboard()
      .text(ctx.t('button-link'), LINK_DATA.start.build())
      .row()
      .text(ctx.t('button-digital-id'), pageData('digital-id'))
      .row()
      .add(...appButton(ctx, deps.appUrl, 'digital-id'))
      .row();
    if (ctx.from && (await deps.isVerifier(ctx.from.id)))
      menu.add(...appButton(ctx, deps.appUrl, 'scan')).row();
    return menu
      .text(ctx.t('button-trusted-contact'), pageData('trusted-contact'))
      .row()
      .text(ctx.t('button-safety'), pageData('safety'))
      .row()
      .text(ctx.t('button-help'), MENU_DATA.help.build());
  }

  feature.command('start', async (ctx) => ctx.reply(greeting(ctx), { reply_markup: await mainMenu(ctx) }));
  feature.command('help', (ctx) => ctx.reply(ctx.t('help'), { reply_markup: backButton(ctx) }));
  feature.command('safety', (ctx) =>
    ctx.reply(ctx.t('info-safety', figures), { reply_markup: backButton(ctx) }),
  );

  feature.callbackQuery(MENU_DATA.info.pattern, async (ctx) => {
    const page = ctx.match[1] as Page;
    await ctx.answerCallbackQuery();
    if (!PAGES.includes(page)) return;
    // The trusted-contact page leads on to the person's own settings.
    const keyboard =
      page === 'trusted-contact'
        ? new InlineKeyboard()
            .text(ctx.t('tc-button-open'), TC_DATA.home.build())
            .row()
            .text(ctx.t('button-back'), MENU_DATA.home.build())
        : backButton(ctx);
    await showInPlace(ctx, ctx.t(`info-${page}`, figures), keyboard);
  });
  feature.callbackQuery(MENU_DATA.home.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showInPlace(ctx, greeting(ctx), await mainMenu(ctx));
  });
  feature.callbackQuery(MENU_DATA.help.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showInPlace(ctx, ctx.t('help'), backButton(ctx));
  });
  return feature;
}

/** Edits the pressed message; a second tap on the same button is "not modified", which is fine. */
async function showInPlace(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  try {
    await ctx.editMessageText(text, { reply_markup: keyboard });
  } catch (err) {
    if (err instanceof Error && err.message.includes('message is not modified')) return;
    if (err instanceof Error && /message to edit not found|can't be edited/.test(err.message)) {
      await ctx.reply(text, { reply_markup: keyboard });
      return;
    }
    throw err;
  }
}
