import { callbackData } from '../../core/messaging/callback-data';

/** The main menu's buttons and the buttons that lead into a feature from it. */
export const MENU_DATA = {
  home: callbackData('menu:home'),
  help: callbackData('menu:help'),
  /** An information page; the page name is the Fluent key's suffix. */
  info: callbackData('info', 'name'),
};

/** Linking's buttons: the menu's way in and the code form's own. */
export const LINK_DATA = {
  start: callbackData('link:start'),
  resend: callbackData('link:resend'),
  cancel: callbackData('link:cancel'),
};

/** A verifier picking the scenario their desk checks. */
export const VERIFIER_DATA = {
  scenario: callbackData('ver', 'name'),
};
