import { Composer } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { ShowEnded } from '../../../core/admin/offboarding';
import type { AdminContext } from './admin-replies';
import { ADMIN_DATA } from './callback-data';

/**
 * The confirmation button of /revoke, /rotate_key and /block: the service carries out what the
 * asking admin proposed, once, and this answers with what it did.
 */
export function confirmationButtons(deps: {
  service: AdminService;
  showEnded: ShowEnded;
}): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();
  feature.callbackQuery(ADMIN_DATA.confirm.pattern, async (ctx) => {
    const done = await deps.service.confirm(ctx.from.id, ctx.match[1] ?? '');
    if (done.action === 'stale') return ctx.answerCallbackQuery({ text: ctx.t('admin-confirmation-stale') });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup();
    switch (done.action) {
      case 'revoke':
        if (!done.ended) return ctx.reply(ctx.t('admin-no-live-session'));
        await deps.showEnded(done.ended);
        return ctx.reply(ctx.t('admin-revoked'));
      case 'block':
        if (!done.blocked) return ctx.reply(ctx.t('admin-already-blocked'));
        if (done.ended) await deps.showEnded(done.ended);
        return ctx.reply(ctx.t('admin-blocked', { who: done.who }));
      case 'rotate_key':
        return ctx.reply(ctx.t('admin-rotated', { active: done.active, retired: done.retired ?? '—' }));
    }
  });
  return feature;
}
