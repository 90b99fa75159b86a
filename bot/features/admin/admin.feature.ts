import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { ShowEnded } from '../../../core/admin/offboarding';
import type { BotContext } from '../../context';
import { auditCommands } from './audit';
import { blockingCommands } from './blocking';
import { ADMIN_PREFIX } from './callback-data';
import { confirmationButtons } from './confirmations';
import { peopleCommands } from './people';
import { type RoleCommandsDeps, roleCommands } from './roles';
import { signingKeyCommands } from './signing-keys';
import { type StatusDeps, statusCommands } from './status';
import { VERIFIER_KEY_COMMANDS, type VerifierKeyAdminDeps, verifierKeyAdmin } from './verifier-keys';

export const ADMIN_COMMANDS = [
  'admin',
  'stats',
  'whois',
  'revoke',
  'keys',
  'rotate_key',
  'remove_key',
  'block',
  'unblock',
  'grant',
  'revoke_role',
  ...VERIFIER_KEY_COMMANDS,
  'audit',
  'broadcast',
] as const;

export interface AdminFeatureDeps
  extends Omit<StatusDeps, 'service'>,
    Omit<RoleCommandsDeps, 'service'>,
    VerifierKeyAdminDeps {
  service: AdminService;
  /** A Digital ID the admin ended shows so in its chat. */
  showEnded: ShowEnded;
}

/**
 * Admin commands: these features parse, ask and answer; core/admin/admin-service.ts decides
 * and the store writes each change with its audit row. To anyone who is not an admin the
 * commands do not exist: the update goes on to the rest of the bot, which answers as for any
 * unknown command. Destructive ones ask for a confirmation that only the asking admin can
 * press, once, within five minutes.
 */
export function adminFeature(deps: AdminFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const { service } = deps;
  // Only admin commands and admin buttons ask the database who is an admin.
  const adminUpdate = (ctx: BotContext) =>
    ctx.callbackQuery?.data?.startsWith(ADMIN_PREFIX) === true ||
    ADMIN_COMMANDS.some((c) => new RegExp(`^/${c}(@\\w+)?(\\s|$)`).test(ctx.message?.text ?? ''));
  const admin = feature
    .chatType('private')
    .filter(async (ctx) => adminUpdate(ctx) && (await service.isAdmin(ctx.from.id)));

  admin.command('admin', (ctx) => ctx.reply(ctx.t('admin-help')));
  admin.use(
    verifierKeyAdmin(deps),
    statusCommands(deps),
    peopleCommands(service),
    signingKeyCommands(service),
    blockingCommands(service),
    roleCommands(deps),
    auditCommands(service),
    confirmationButtons(deps),
  );
  return feature;
}
