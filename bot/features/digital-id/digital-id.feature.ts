import { Composer, InlineKeyboard } from 'grammy';
import type { DigitalIdService, OpenRefusal } from '../../../core/digital-id/digital-id-service';
import type { RefreshScheduler } from '../../../core/digital-id/refresh-scheduler';
import { isScenario, type Scenario } from '../../../core/digital-id/scenarios';
import { showEndedScreen } from '../../../core/digital-id/screen';
import { localeFor } from '../../../core/messaging/locale';
import type { Messenger } from '../../../core/messaging/messenger';
import type { BotContext } from '../../context';
import { type AppUrl, appButton } from '../app-buttons';
import { DID_DATA } from './callback-data';
import type { QrScreen } from './qr-screen';

export interface DigitalIdFeatureDeps {
  digitalId: DigitalIdService;
  /** The bot's own Api behind the Messenger port, so the bot and the worker draw screens alike. */
  messenger: Messenger;
  screen: QrScreen;
  scheduler: RefreshScheduler;
  appUrl: AppUrl | null;
}

const REFUSALS: Record<OpenRefusal, string> = {
  'DIGITAL_ID.NOT_LINKED': 'did-not-linked',
  'DIGITAL_ID.UNDER_18': 'did-under-18',
  'DIGITAL_ID.NO_BIOMETRICS': 'did-no-biometrics',
  'DIGITAL_ID.UNCONFIRMED': 'did-unconfirmed',
  'DIGITAL_ID.SCENARIO_NOT_HELD': 'did-scenario-not-held',
};

/**
 * /id: pick a status you hold, get one photo message with a QR that a worker re-signs in
 * place. Every button carries the session id and is checked against who presses it. The
 * same choice offers the Mini App, which draws the QR on the phone instead.
 */
export function digitalIdFeature(deps: DigitalIdFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');

  privateChat.command('id', async (ctx) => {
    const options = await deps.digitalId.scenariosFor(ctx.from.id);
    if (!options.ok) return ctx.reply(ctx.t(REFUSALS[options.code]));
    const choice = new InlineKeyboard();
    for (const scenario of options.scenarios)
      choice.text(deps.screen.scenarioName(locale(ctx), scenario), DID_DATA.open.build(scenario)).row();
    choice.add(...appButton(ctx, deps.appUrl, 'digital-id'));
    return ctx.reply(ctx.t('did-choose'), { reply_markup: choice });
  });

  privateChat.callbackQuery(DID_DATA.open.pattern, async (ctx) => {
    const scenario = ctx.match[1] ?? '';
    await ctx.answerCallbackQuery();
    if (!isScenario(scenario)) return;
    await open(ctx, scenario);
  });

  privateChat.callbackQuery(DID_DATA.again.pattern, async (ctx) => {
    const previous = await deps.digitalId.sessionOf(ctx.from.id, ctx.match[1] ?? '');
    if (!previous) {
      await ctx.answerCallbackQuery({ text: ctx.t('did-not-yours') });
      return;
    }
    await ctx.answerCallbackQuery();
    await open(ctx, previous.scenario);
  });

  privateChat.callbackQuery(DID_DATA.stop.pattern, async (ctx) => {
    const stopped = await deps.digitalId.stop(ctx.from.id, ctx.match[1] ?? '');
    if (!stopped.ok) {
      await ctx.answerCallbackQuery({
        text: ctx.t(stopped.code === 'DIGITAL_ID.NOT_YOURS' ? 'did-not-yours' : 'did-not-live'),
      });
      return;
    }
    await ctx.answerCallbackQuery();
    await showEndedScreen(deps, stopped.session);
  });

  privateChat.callbackQuery(DID_DATA.refresh.pattern, async (ctx) => {
    const own = await deps.digitalId.ownLiveSession(ctx.from.id, ctx.match[1] ?? '');
    if (!own.ok)
      return ctx.answerCallbackQuery({
        text: ctx.t(own.code === 'DIGITAL_ID.NOT_YOURS' ? 'did-not-yours' : 'did-not-live'),
      });
    const granted = await deps.scheduler.runNow(own.session.id, own.session.seq + 1, own.session.chatId);
    return ctx.answerCallbackQuery({ text: ctx.t(granted ? 'did-refreshing' : 'did-refresh-too-soon') });
  });

  async function open(ctx: BotContext & { from: { id: number }; chat: { id: number } }, scenario: Scenario) {
    const opened = await deps.digitalId.open({
      messengerUserId: ctx.from.id,
      chatId: ctx.chat.id,
      scenario,
      locale: locale(ctx),
    });
    if (!opened.ok) {
      await ctx.reply(ctx.t(REFUSALS[opened.code]));
      return;
    }
    if (opened.superseded) await showEndedScreen(deps, opened.superseded);
    const { session } = opened.frame;
    const sent = await deps.messenger.sendPhoto(
      session.chatId,
      deps.screen.live(opened.frame, deps.messenger),
    );
    if (!sent.ok) throw new Error(`could not send the Digital ID photo: ${sent.failure.code}`);
    await deps.digitalId.attachMessage(session.id, sent.value.messageId);
    await deps.scheduler.schedule(session.id, 1, opened.frame.nextAt);
  }

  return feature;
}

const locale = (ctx: BotContext) => localeFor(ctx.from?.language_code);
