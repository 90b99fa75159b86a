import { createConversation } from '@grammyjs/conversations';
import type { I18n } from '@grammyjs/i18n';
import { Composer, InlineKeyboard, type MiddlewareFn } from 'grammy';
import type {
  Broadcast,
  BroadcastAudience,
  BroadcastProgress,
  BroadcastStore,
} from '../../../core/broadcast/broadcast-store';
import type { Clock } from '../../../core/clock';
import type { OutgoingMessage } from '../../../core/messaging/outgoing-message';
import type { BotContext, FormContext } from '../../context';
import { type Form, waitForStep } from '../form-steps';
import { ADMIN_DATA } from './callback-data';

/** Plain text, one message: well under the messenger's 4,096, and short enough to be read. */
export const BROADCAST_MAX_LENGTH = 3500;
const FORM = 'admin-broadcast';
const CANCEL = ADMIN_DATA.cancelBroadcast.build();

export interface BroadcastFeatureDeps {
  broadcasts: BroadcastStore;
  i18n: I18n<FormContext>;
  apiPlugins: MiddlewareFn<FormContext>[];
  clock: Clock;
  isAdmin(userId: number): Promise<boolean>;
  start(broadcastId: string): Promise<unknown>;
}

/** The admin's status message for a broadcast: the counts, and a stop button while it runs. */
export function broadcastStatus(i18n: I18n<FormContext>) {
  return (broadcast: Broadcast, progress: BroadcastProgress): OutgoingMessage => ({
    text: i18n.t('ru', 'admin-broadcast-status', {
      state: i18n.t('ru', `admin-broadcast-state-${broadcast.status}`),
      ...progress,
    }),
    buttons:
      broadcast.status === 'running'
        ? [
            [
              {
                text: i18n.t('ru', 'admin-broadcast-stop'),
                callbackData: ADMIN_DATA.stopBroadcast.build(broadcast.id),
              },
            ],
          ]
        : [],
  });
}

/**
 * /broadcast: the text, a preview exactly as people will see it, the audience, a confirmation.
 * The sending is a worker's: this only records the broadcast and starts it.
 */
export function broadcastFeature(deps: BroadcastFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(
    createConversation<BotContext, FormContext>((form, ctx) => broadcastForm(form, ctx, deps), {
      id: FORM,
      plugins: [deps.i18n, ...deps.apiPlugins],
      maxMillisecondsToWait: 30 * 60_000,
    }),
  );
  const admin = feature.chatType('private').filter(async (ctx) => {
    const asks =
      ctx.message?.text?.startsWith('/broadcast') ||
      ADMIN_DATA.stopBroadcast.pattern.test(ctx.callbackQuery?.data ?? '');
    return Boolean(asks) && (await deps.isAdmin(ctx.from.id));
  });
  admin.command('broadcast', (ctx) => ctx.conversation.enter(FORM));
  admin.callbackQuery(ADMIN_DATA.stopBroadcast.pattern, async (ctx) => {
    const id = ctx.match[1] ?? '';
    const stopped = await deps.broadcasts.cancel(id, deps.clock.now(), ctx.from.id);
    await ctx.answerCallbackQuery({
      text: ctx.t(stopped ? 'admin-broadcast-stopped' : 'admin-confirmation-stale'),
    });
  });
  return feature;
}

async function broadcastForm(form: Form, ctx: FormContext, deps: BroadcastFeatureDeps): Promise<void> {
  const admin = ctx.from;
  const chatId = ctx.chat?.id;
  if (!admin || chatId === undefined) return;
  const texts = (nudge: string) => ({
    nudge,
    cancelled: 'admin-broadcast-cancelled-form',
    cancelData: CANCEL,
  });
  const cancel = new InlineKeyboard().text(ctx.t('button-cancel'), CANCEL);
  await ctx.reply(ctx.t('admin-broadcast-ask', { max: String(BROADCAST_MAX_LENGTH) }), {
    reply_markup: cancel,
  });
  let text: string | null = null;
  while (text === null) {
    const given = await waitForStep(form, (c) => c.message?.text, texts('admin-broadcast-ask'));
    if (given === null) return;
    if (given.length <= BROADCAST_MAX_LENGTH) text = given;
    else
      await ctx.reply(
        // Strings: Fluent would group the digits ("3 600"), which reads as two numbers here.
        ctx.t('admin-broadcast-too-long', {
          length: String(given.length),
          max: String(BROADCAST_MAX_LENGTH),
        }),
      );
  }
  // The preview is the message itself, sent as it will be sent: plain text, nothing parsed.
  await ctx.reply(text);
  const sizes = await form.external(async () => ({
    all: await deps.broadcasts.audienceSize('all'),
    no_contact: await deps.broadcasts.audienceSize('no_contact'),
  }));
  await ctx.reply(ctx.t('admin-broadcast-preview'), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('admin-broadcast-all', { n: sizes.all }), ADMIN_DATA.broadcastAudience.build('all'))
      .row()
      .text(
        ctx.t('admin-broadcast-no-contact', { n: sizes.no_contact }),
        ADMIN_DATA.broadcastAudience.build('no_contact'),
      )
      .row()
      .text(ctx.t('button-cancel'), CANCEL),
  });
  const chosen = await waitForStep(
    form,
    (c) => {
      const [picked] = ADMIN_DATA.broadcastAudience.parse(c.callbackQuery?.data ?? '') ?? [];
      return picked === 'all' || picked === 'no_contact'
        ? { c, audience: picked as BroadcastAudience }
        : undefined;
    },
    texts('admin-broadcast-preview'),
  );
  if (chosen === null) return;
  await chosen.c.answerCallbackQuery();
  await ctx.reply(ctx.t('admin-broadcast-confirm', { n: sizes[chosen.audience] }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t('admin-broadcast-send'), ADMIN_DATA.sendBroadcast.build())
      .text(ctx.t('button-cancel'), CANCEL),
  });
  const confirmed = await waitForStep(
    form,
    (c) => (c.callbackQuery?.data === ADMIN_DATA.sendBroadcast.build() ? c : undefined),
    texts('admin-broadcast-confirm'),
  );
  if (confirmed === null) return;
  await confirmed.answerCallbackQuery();
  const [message, audience] = [text, chosen.audience];
  await form.external(async () => {
    // The form may have waited half an hour: one no longer an admin sends nothing.
    if (!(await deps.isAdmin(admin.id))) return;
    const at = deps.clock.now();
    const broadcast = await deps.broadcasts.create({
      adminUserId: admin.id,
      adminChatId: chatId,
      text: message,
      audience,
      at,
    });
    const status = await ctx.api.sendMessage(
      chatId,
      ctx.t('admin-broadcast-status', {
        state: ctx.t('admin-broadcast-state-running'),
        sent: 0,
        failed: 0,
        cancelled: 0,
        left: sizes[audience],
      }),
    );
    await deps.broadcasts.setStatusMessage(broadcast.id, status.message_id);
    await deps.start(broadcast.id);
  });
}
