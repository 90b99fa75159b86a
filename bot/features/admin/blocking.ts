import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import { cleanDisplayName } from '../../../core/identity/display-name';
import {
  type AdminContext,
  args,
  confirmButton,
  describe,
  personNamed,
  refuse,
  usage,
} from './admin-replies';

/** /block asks, naming what the block ends (./confirmations.ts carries it out); /unblock lifts it. */
export function blockingCommands(service: AdminService): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();

  feature.command('block', async (ctx) => {
    const [target = '', ...reasonWords] = args(ctx).split(/\s+/);
    const reason = cleanDisplayName(reasonWords.join(' '), 200);
    if (!reason.ok) return usage(ctx, 'block');
    const p = await personNamed(ctx, service, target, 'block');
    if (!p) return;
    const asked = await service.askBlock(ctx.from.id, p, reason.name, describe(p));
    if (!asked.ok) return refuse(ctx, asked.code);
    return ctx.reply(
      ctx.t('admin-confirm-block', {
        who: describe(p),
        reason: reason.name,
        session: asked.ties.liveSession ? 'yes' : 'no',
        relationships: asked.ties.relationships,
        recoveries: asked.ties.pendingRecoveries,
      }),
      { reply_markup: confirmButton(ctx, asked.confirmationId) },
    );
  });

  feature.command('unblock', async (ctx) => {
    const p = await personNamed(ctx, service, args(ctx), 'unblock');
    if (!p) return;
    const unblocked = await service.unblock(ctx.from.id, p);
    if (!unblocked.ok) return refuse(ctx, unblocked.code);
    return ctx.reply(ctx.t('admin-unblocked', { who: describe(p) }));
  });

  return feature;
}
