import { Composer, InlineKeyboard } from 'grammy';
import type { AdminService } from '../../../core/admin/admin-service';
import type { AuditLine } from '../../../core/admin/admin-store';
import { type AdminContext, args, personNamed } from './admin-replies';
import { ADMIN_DATA } from './callback-data';

const AUDIT_PAGE = 8;

const line = (r: AuditLine) =>
  `${r.at.toISOString().slice(0, 19).replace('T', ' ')} ${r.actor} ${r.action} ${r.subjectType}:${r.subjectId}${r.fromState || r.toState ? ` ${r.fromState ?? '∅'}→${r.toState ?? '∅'}` : ''}`;

/** /audit: the audit trail, everyone's or one person's, newest first, paged with buttons. */
export function auditCommands(service: AdminService): Composer<AdminContext> {
  const feature = new Composer<AdminContext>();

  feature.command('audit', async (ctx) => {
    const text = args(ctx);
    const p = text ? await personNamed(ctx, service, text, 'audit') : null;
    if (text && !p) return;
    return showAudit(ctx, p?.account?.id ?? '*', 0, false);
  });
  feature.callbackQuery(ADMIN_DATA.audit.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showAudit(ctx, ctx.match[1] ?? '*', Number(ctx.match[2]), true);
  });
  return feature;

  /** A page from `offset`, as a new message or in place of the page shown. */
  async function showAudit(ctx: AdminContext, accountId: string, offset: number, inPlace: boolean) {
    const rows = await service.auditPage({
      ...(accountId === '*' ? {} : { accountId }),
      offset,
      limit: AUDIT_PAGE + 1,
    });
    const keyboard = new InlineKeyboard();
    if (rows.length > AUDIT_PAGE)
      keyboard.text(ctx.t('admin-button-older'), ADMIN_DATA.audit.build(accountId, offset + AUDIT_PAGE));
    if (offset > 0)
      keyboard.text(
        ctx.t('admin-button-newer'),
        ADMIN_DATA.audit.build(accountId, Math.max(0, offset - AUDIT_PAGE)),
      );
    const lines = rows.slice(0, AUDIT_PAGE).map(line);
    const text = lines.length > 0 ? lines.join('\n') : ctx.t('admin-audit-empty');
    if (inPlace) await ctx.editMessageText(text, { reply_markup: keyboard });
    else await ctx.reply(text, { reply_markup: keyboard });
  }
}
