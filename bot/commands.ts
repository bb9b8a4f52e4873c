import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { i18n } from 'i18next';
import { LANGUAGES } from '../locales/index.ts';

export const COMMANDS = ['start', 'apply', 'my', 'language', 'help', 'feedback', 'cancel'] as const;

export function commandsIn(instance: i18n, lang: string): BotCommand[] {
  const t = instance.getFixedT(lang);
  return COMMANDS.map((command) => ({ command, description: t(`bot.commands.${command}`) }));
}

/** The command menu in Kazakh and Russian, Kazakh for every other Telegram language. */
export async function registerCommands(api: Api, instance: i18n): Promise<void> {
  await api.setMyCommands(commandsIn(instance, 'kk'));
  for (const lang of LANGUAGES) await api.setMyCommands(commandsIn(instance, lang), { language_code: lang });
}
