import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { AppPage } from '../../core/messaging/app-pages';
import type { BotContext } from '../context';

/** A Mini App page's address, read when a button is drawn (PUBLIC_URL may be known late). */
export type AppUrl = (page: AppPage) => string;

/**
 * The button that opens a Mini App page (PRODUCT.md §8): Telegram's `web_app`, which the MAX
 * adapter turns into `open_app`. Offered in private chats only, where every feature runs and
 * where Telegram allows it; the page itself checks who opens it. None where the platform
 * cannot offer the app (`appUrl` null: a MAX bot without a public name).
 */
export const appButton = (ctx: BotContext, appUrl: AppUrl | null, page: AppPage): InlineKeyboardButton[] =>
  appUrl ? [InlineKeyboard.webApp(ctx.t(`app-button-${page}`), appUrl(page))] : [];
