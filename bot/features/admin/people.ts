import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import { maskPhone } from '../../../core/identity/phone';
import { type AdminContext, args, confirmButton, describe, personNamed, refuse } from './admin-replies';

/** /whois: who a person is and what they hold; /revoke: ends their live Digital ID, once confirmed. */
export function peopleCommands(service: AdminService): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();

  feature.command('whois', async (ctx) => {
    const p = await personNamed(ctx, service, args(ctx), 'whois');
    if (!p) return;
    const { roles, liveSession } = await service.whois(ctx.from.id, p);
    return ctx.reply(
      ctx.t('admin-whois', {
        who: describe(p),
        user: p.user
          ? `${p.user.id} ${p.user.username ? `@${p.user.username}` : ''} ${p.user.firstName}`.trim()
          : '—',
        account: p.account
          ? ctx.t('admin-whois-account', {
              id: p.account.id,
              phone: maskPhone(p.account.phone),
              confirmed: p.account.confirmed ? 'yes' : 'no',
              year: p.account.birthDate.slice(0, 4),
            })
          : '—',
        roles: roles.join(', ') || '—',
        blocked: p.user?.blockedAt ? `${p.user.blockedAt.toISOString()} (${p.user.blockReason ?? ''})` : '—',
        session: liveSession ?? '—',
      }),
    );
  });

  feature.command('revoke', async (ctx) => {
    const p = await personNamed(ctx, service, args(ctx), 'revoke');
    if (!p) return;
    const asked = await service.askRevoke(ctx.from.id, p, describe(p));
    if (!asked.ok) return refuse(ctx, asked.code);
    return ctx.reply(ctx.t('admin-confirm-revoke', { who: describe(p) }), {
      reply_markup: confirmButton(ctx, asked.confirmationId),
    });
  });

  return feature;
}
