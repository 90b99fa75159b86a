/**
 * The Mini App's pages (PRODUCT.md §8): the citizen's QR and the cashier's scanner, each at
 * `${PUBLIC_URL}/app/<page>`. Telegram opens a page by its URL. MAX opens the one URL
 * registered for the bot, a launcher that routes by `start_param`: there the page's name is
 * the button's payload.
 */
export const APP_PAGES = ['digital-id', 'scan'] as const;
export type AppPage = (typeof APP_PAGES)[number];

/** The Mini App's launcher, which MAX opens (the URL registered for the bot), under PUBLIC_URL. */
export const appLauncherUrl = (publicUrl: string): string => `${publicUrl.replace(/\/+$/, '')}/app`;

/** Where a page is served: the Telegram `web_app` button's URL. */
export const appPageUrl = (publicUrl: string, page: AppPage): string =>
  `${appLauncherUrl(publicUrl)}/${page}`;

/**
 * The page a URL opens: the page whose URL `pageUrl` builds (`appPageUrl` under PUBLIC_URL) is
 * exactly `url`, or null for any other URL, however its path ends: another host, scheme, port,
 * query or fragment is no page of ours.
 */
export const appPageOf = (url: string, pageUrl: (page: AppPage) => string): AppPage | null =>
  APP_PAGES.find((page) => pageUrl(page) === url) ?? null;
