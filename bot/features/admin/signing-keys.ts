import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import { type AdminContext, args, confirmButton, usage } from './admin-replies';

/** The Digital ID signing keys: /keys lists them, /rotate_key asks, /remove_key unpublishes a retired one. */
export function signingKeyCommands(service: AdminService): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();

  feature.command('keys', async (ctx) => {
    const keys = await service.keys();
    return ctx.reply(
      keys
        .map((k) =>
          ctx.t('admin-key-line', {
            kid: String(k.kid),
            status: k.status,
            created: k.createdAt.toISOString(),
            retired: k.retiredAt?.toISOString() ?? 'none',
          }),
        )
        .join('\n'),
    );
  });

  feature.command('rotate_key', async (ctx) => {
    const asked = await service.askRotate(ctx.from.id);
    return ctx.reply(ctx.t('admin-confirm-rotate', { kid: asked.activeKid ?? '—' }), {
      reply_markup: confirmButton(ctx, asked.confirmationId),
    });
  });

  feature.command('remove_key', async (ctx) => {
    const kid = Number(args(ctx));
    if (!Number.isInteger(kid) || kid <= 0) return usage(ctx, 'remove_key');
    const outcome = await service.removeKey(ctx.from.id, kid);
    if (outcome === 'removed') return ctx.reply(ctx.t('admin-key-removed', { kid }));
    return ctx.reply(ctx.t('admin-key-not-removed', { kid, why: ctx.t(`admin-key-why-${outcome}`) }));
  });

  return feature;
}
