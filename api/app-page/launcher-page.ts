import type { MiniAppPage } from './shell';

/**
 * GET /app: on MAX a bot has one Mini App URL, and an `open_app` button's payload arrives as
 * `start_param` in the launch data. This page sends `scan` to the scanner and anything else to
 * the Digital ID, with the fragment (the launch data) kept.
 */
export const launcherPage: MiniAppPage = {
  path: '/app',
  words: (text) => ({ title: text('app-page-title'), loading: text('app-page-loading') }),
  style: '',
  body: '',
  scripts: { module: 'launcher.js' },
};
