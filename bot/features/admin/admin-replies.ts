import { type ChatTypeContext, InlineKeyboard } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { Person } from '../../../core/admin/admin-store';
import type { BotContext } from '../../context';
import { ADMIN_DATA } from './callback-data';

/** An update from an admin, in their private chat (./admin.feature.ts lets no other through). */
export type AdminContext = ChatTypeContext<BotContext, 'private'>;

/** Answers for the admin service's refusals. */
const REFUSALS: Record<string, string> = {
  'ADMIN.UNKNOWN_PERSON': 'admin-unknown-person',
  'ADMIN.AMBIGUOUS_PERSON': 'admin-ambiguous-person',
  'ADMIN.NO_LIVE_SESSION': 'admin-no-live-session',
  'ADMIN.ALREADY_BLOCKED': 'admin-already-blocked',
  'ADMIN.NOT_BLOCKED': 'admin-not-blocked',
  'ADMIN.UNKNOWN_ROLE': 'admin-unknown-role',
  'ADMIN.NOT_LINKED': 'admin-not-linked',
  'ADMIN.BOOTSTRAP_ADMIN': 'admin-bootstrap-admin',
};

/** What follows the command. */
export const args = (ctx: BotContext) => (typeof ctx.match === 'string' ? ctx.match.trim() : '');

export const refuse = (ctx: BotContext, code: string) =>
  ctx.reply(ctx.t(REFUSALS[code] ?? 'admin-unknown-person'));

export const usage = (ctx: BotContext, command: string) =>
  ctx.reply(ctx.t('admin-usage', { usage: ctx.t(`admin-usage-${command}`) }));

/** How answers name a person: first name, initial and account id, and the messenger user id. */
export const describe = (p: Person) =>
  [
    p.account ? `${p.account.firstName} ${[...p.account.lastName][0] ?? ''}. (${p.account.id})` : null,
    p.user ? `id ${p.user.id}` : null,
  ]
    .filter(Boolean)
    .join(', ');

/** The one person an argument names, or a reply saying why not. */
export async function personNamed(
  ctx: BotContext,
  service: Pick<AdminService, 'find'>,
  text: string,
  command: string,
): Promise<Person | null> {
  const found = await service.find(text);
  if (found.ok) return found.person;
  await (found.code === 'ADMIN.USAGE' ? usage(ctx, command) : refuse(ctx, found.code));
  return null;
}

/** The button that carries out a proposed destructive action (./confirmations.ts). */
export const confirmButton = (ctx: Pick<BotContext, 't'>, id: string) =>
  new InlineKeyboard().text(ctx.t('admin-button-confirm'), ADMIN_DATA.confirm.build(id));
