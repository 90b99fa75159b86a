import type { I18n } from '@grammyjs/i18n';
import { Composer, type MiddlewareFn } from 'grammy';
import { TC_DATA } from '../../../core/trusted-contact/callback-data';
import type { TrustedContactService } from '../../../core/trusted-contact/trusted-contact-service';
import type { BotContext, FormContext } from '../../context';
import { approvalForm, approvePress } from './approval-form';
import { invitationForm, startInvitation } from './invitation-form';
import { showOverview } from './overview-screen';
import { presses } from './presses';

export interface TrustedContactFeatureDeps {
  service: TrustedContactService;
  i18n: I18n<FormContext>;
  apiPlugins: MiddlewareFn<FormContext>[];
}

/**
 * /contact: the trustor names, replaces or removes their trusted contact and manages the
 * invitation; the contact answers invitations and recovery prompts. Every button carries an
 * id that the service checks against the person pressing it.
 */
export function trustedContactFeature(deps: TrustedContactFeatureDeps): Composer<BotContext> {
  const { service } = deps;
  const feature = new Composer<BotContext>();
  const plugins = [deps.i18n, ...deps.apiPlugins];
  feature.use(invitationForm(service, plugins));
  feature.use(approvalForm(service, plugins));
  const privateChat = feature.chatType('private');

  privateChat.command('contact', (ctx) => showOverview(ctx, service));
  privateChat.callbackQuery(TC_DATA.home.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showOverview(ctx, service);
  });
  privateChat.callbackQuery(TC_DATA.add.pattern, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startInvitation(ctx, service);
  });
  presses(privateChat, service);
  approvePress(privateChat, service);
  return feature;
}
