import { InlineKeyboard } from 'grammy';
import { localeFor } from '../../../core/messaging/locale';
import { moscowTime } from '../../../core/messaging/moscow-time';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { BotContext } from '../../context';
import { refusal } from './replies';

type Overview = Extract<Awaited<ReturnType<TrustedContactService['overview']>>, { ok: true }>;

/** /contact: the person's trusted contact and open invitation, with their buttons, and whom they help. */
export async function showOverview(ctx: BotContext, service: TrustedContactService) {
  if (!ctx.from) return;
  const view = await service.overview(ctx.from.id);
  if (!view.ok) return ctx.reply(ctx.t('tc-not-linked'));
  const lines = [ctx.t('tc-overview-about'), ''];
  const keyboard = new InlineKeyboard();
  if (view.refusal) lines.push(ctx.t(refusal(view.refusal)));
  else trustorPart(ctx, view, lines, keyboard);
  if (view.helping.length > 0) {
    lines.push('', ctx.t('tc-overview-helping', { names: view.helping.map((h) => h.name).join(', ') }));
    for (const h of view.helping)
      keyboard.text(ctx.t('tc-button-stop-helping', { name: h.name }), TC_DATA.end.build(h.linkId)).row();
  }
  return ctx.reply(lines.join('\n'), { reply_markup: keyboard });
}

/** What a trustor may do: remove or replace their contact, resend or cancel their invitation. */
function trustorPart(ctx: BotContext, view: Overview, lines: string[], keyboard: InlineKeyboard) {
  const { active, invitation } = view;
  if (active) {
    lines.push(ctx.t('tc-overview-active', { name: active.contactName, phone: active.contactPhoneMasked }));
    keyboard
      .text(ctx.t('tc-button-remove', { name: active.contactName }), TC_DATA.end.build(active.id))
      .row();
  } else lines.push(ctx.t('tc-overview-none'));
  if (invitation) {
    lines.push(
      ctx.t('tc-overview-invited', {
        name: invitation.contactName,
        phone: invitation.contactPhoneMasked,
        until: moscowTime(invitation.expiresAt, localeFor(ctx.from?.language_code), 'short'),
      }),
    );
    keyboard
      .text(ctx.t('tc-button-resend'), TC_DATA.resend.build(invitation.id))
      .row()
      .text(ctx.t('tc-button-cancel-invite'), TC_DATA.cancelInvitation.build(invitation.id))
      .row();
  }
  keyboard.text(ctx.t(active ? 'tc-button-replace' : 'tc-button-add'), TC_DATA.add.build()).row();
}
