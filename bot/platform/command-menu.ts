import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import { LOCALES } from '../../core/messaging/locale';
import type { FormContext } from '../context';
import { ADMIN_COMMANDS } from '../features/admin/admin.feature';

const PUBLIC_COMMANDS = ['start', 'id', 'contact', 'link', 'unlink', 'help', 'safety'] as const;

const menu = (i18n: I18n<FormContext>, locale: string, names: readonly string[]) =>
  names.map((command) => ({ command, description: i18n.t(locale, `command-${command}`) }));

/** The "/" menu, in Russian by default and in English for English-speaking clients. */
export async function publishCommandMenu(api: Api, i18n: I18n<FormContext>): Promise<void> {
  for (const locale of LOCALES) {
    await api.setMyCommands(
      menu(i18n, locale, PUBLIC_COMMANDS),
      locale === 'ru' ? {} : { language_code: locale },
    );
  }
}

/**
 * An admin's chat gets the admin commands in its "/" menu (a per-chat scope); nobody else sees
 * them. Taking the role away takes the scope away, back to the public menu.
 */
export async function adminCommandMenu(
  api: Api,
  i18n: I18n<FormContext>,
  chatId: number,
  shown: boolean,
): Promise<void> {
  const scope = { type: 'chat' as const, chat_id: chatId };
  if (!shown) {
    await api.deleteMyCommands({ scope });
    return;
  }
  await api.setMyCommands(menu(i18n, 'ru', [...PUBLIC_COMMANDS, ...ADMIN_COMMANDS]), { scope });
}
