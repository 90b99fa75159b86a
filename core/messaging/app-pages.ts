/**
 * The Mini App's pages (PRODUCT.md §8): the citizen's QR and the cashier's scanner, each at
 * `${PUBLIC_URL}/app/<page>`. Telegram opens a page by its URL. MAX opens the one URL
 * registered for the bot, a launcher that routes by `start_param`: there the page's name is
 * the button's payload.
 */
export const APP_PAGES = ['digital-id', 'scan'] as const;
export type AppPage = (typeof APP_PAGES)[number];

/** Where a page is served: the Telegram `web_app` button's URL. */
export const appPageUrl = (publicUrl: string, page: AppPage): string =>
  `${publicUrl.replace(/\/+$/, '')}/app/${page}`;

/** The page a URL opens (its path ends in `/app/<page>`), or null for any other URL. */
export function appPageOf(url: string): AppPage | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const [parent, page] = path.split('/').slice(-2);
  return parent === 'app' && (APP_PAGES as readonly string[]).includes(page ?? '') ? (page as AppPage) : null;
}
