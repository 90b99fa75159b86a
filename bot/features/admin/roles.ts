import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import { type AdminContext, args, describe, personNamed, refuse, usage } from './admin-replies';

export interface RoleCommandsDeps {
  service: AdminService;
  /** Puts the admin commands into (or takes them out of) a chat's "/" menu. */
  adminMenu(chatId: number, shown: boolean): Promise<void>;
}

/** /grant and /revoke_role: staff roles; the admin role brings the admin menu with it. */
export function roleCommands(deps: RoleCommandsDeps): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();
  for (const [command, grant] of [
    ['grant', true],
    ['revoke_role', false],
  ] as const) {
    feature.command(command, async (ctx) => {
      const [target = '', role = '', ...rest] = args(ctx).split(/\s+/);
      if (!target || !role || rest.length > 0) return usage(ctx, command);
      const p = await personNamed(ctx, deps.service, target, command);
      if (!p) return;
      const changed = await deps.service.setRole(ctx.from.id, p, role, grant);
      if (!changed.ok && changed.code === 'ADMIN.UNCHANGED')
        return ctx.reply(ctx.t(grant ? 'admin-already-has-role' : 'admin-has-no-role', { role }));
      if (!changed.ok) return refuse(ctx, changed.code);
      if (changed.role === 'admin') await deps.adminMenu(changed.chatId, grant);
      return ctx.reply(ctx.t(grant ? 'admin-granted' : 'admin-role-revoked', { role, who: describe(p) }));
    });
  }
  return feature;
}
