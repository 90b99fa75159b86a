import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { FormContext } from '../context';
import { LOCALES } from '../i18n';

const PUBLIC_COMMANDS = ['start', 'id', 'contact', 'link', 'unlink', 'help', 'safety'] as const;

/** The "/" menu, in Russian by default and in English for English-speaking clients. */
export async function publishCommandMenu(api: Api, i18n: I18n<FormContext>): Promise<void> {
  for (const locale of LOCALES) {
    const commands = PUBLIC_COMMANDS.map((command) => ({
      command,
      description: i18n.t(locale, `command-${command}`),
    }));
    await api.setMyCommands(commands, locale === 'ru' ? {} : { language_code: locale });
  }
}
