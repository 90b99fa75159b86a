import { Composer, InlineKeyboard } from 'grammy';
import type { PhotoSize } from 'grammy/types';
import type { Clock } from '../../../core/clock';
import { isScenario, SCENARIOS, type Scenario } from '../../../core/digital-id/scenarios';
import type { StaffRole } from '../../../core/identity/roles';
import { type Locale, localeFor } from '../../../core/messaging/locale';
import type { DigitalIdVerification } from '../../../core/verification/verification';
import type { VerifierDesks } from '../../../core/verification/verifier-desks';
import type { BotContext } from '../../context';
import type { FileDownloader } from '../../platform/file-download';
import type { VerificationWords } from '../../verification-words';
import { type AppUrl, appButton } from '../app-buttons';
import { VERIFIER_DATA } from '../menu-data';
import type { QrReader, QrReading } from './qr-reader';

export interface VerifierFeatureDeps {
  roles: { hasRole(messengerUserId: number, role: StaffRole): Promise<boolean> };
  desks: VerifierDesks;
  verification: Pick<DigitalIdVerification, 'verify'>;
  reader: QrReader;
  download: FileDownloader;
  words(
    locale: Locale,
    answer: Awaited<ReturnType<DigitalIdVerification['verify']>>,
    at: Date,
  ): VerificationWords;
  clock: Clock;
  appUrl: AppUrl | null;
}

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** The largest photo size worth decoding: a QR filling a phone photo reads well far below this. */
const MAX_PHOTO_SIDE = 2000;

const READING_REFUSALS: Record<Exclude<QrReading['kind'], 'found'>, string> = {
  none: 'verifier-no-qr',
  several: 'verifier-several-qr',
  too_large: 'verifier-image-too-large',
  busy: 'verifier-busy',
};

/** Text that may be a QR's content: one word, long enough to be a token or a URL. */
const LOOKS_LIKE_QR_TEXT = /^\S{16,4096}$/;

/**
 * The verifier's desk in the bot: /verify picks the scenario being checked, as a checkout's
 * mode; then each photo of a QR (or its text) gets the outcome in words, and the QR is spent
 * like at any checkout. For anyone without the role, all of this does not exist: their
 * messages fall through to the rest of the bot.
 */
export function verifierFeature(deps: VerifierFeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType('private');
  const isVerifier = (ctx: BotContext) => (ctx.from ? deps.roles.hasRole(ctx.from.id, 'verifier') : false);

  /** The desk's scenarios, and the scanner app, which reads QRs from the camera instead of photos. */
  const scenarioChoice = (ctx: BotContext) => {
    const keyboard = new InlineKeyboard();
    for (const scenario of SCENARIOS)
      keyboard.text(ctx.t(`scenario-${scenario}`), VERIFIER_DATA.scenario.build(scenario)).row();
    return keyboard.add(...appButton(ctx, deps.appUrl, 'scan'));
  };

  privateChat.command('verify', async (ctx, next) => {
    if (!(await isVerifier(ctx))) return next();
    await ctx.reply(ctx.t('verifier-choose'), { reply_markup: scenarioChoice(ctx) });
  });

  privateChat.callbackQuery(VERIFIER_DATA.scenario.pattern, async (ctx, next) => {
    const scenario = ctx.match[1] ?? '';
    if (!isScenario(scenario) || !(await isVerifier(ctx))) return next();
    await deps.desks.choose(ctx.from.id, scenario);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t('verifier-ready', { scenario: ctx.t(`scenario-${scenario}`) }));
  });

  privateChat.on('message:photo', async (ctx, next) => {
    if (!(await isVerifier(ctx))) return next();
    const scenario = await deskScenario(ctx);
    if (!scenario) return;
    const image = await deps.download(ctx.api, photoToRead(ctx.message.photo).file_id, MAX_PHOTO_BYTES);
    const reading: QrReading = image ? await deps.reader.read(image) : { kind: 'too_large' };
    if (reading.kind !== 'found') return ctx.reply(ctx.t(READING_REFUSALS[reading.kind]));
    await answer(ctx, reading.text, scenario);
  });

  privateChat.on('message:text', async (ctx, next) => {
    const text = ctx.message.text.trim();
    if (text.startsWith('/') || !LOOKS_LIKE_QR_TEXT.test(text) || !(await isVerifier(ctx))) return next();
    const scenario = await deskScenario(ctx);
    if (scenario) await answer(ctx, text, scenario);
  });

  /** The scenario this verifier checks; without one, they are asked to choose first. */
  async function deskScenario(ctx: BotContext & { from: { id: number } }): Promise<Scenario | null> {
    const scenario = await deps.desks.scenarioOf(ctx.from.id);
    if (!scenario) await ctx.reply(ctx.t('verifier-choose-first'), { reply_markup: scenarioChoice(ctx) });
    return scenario;
  }

  async function answer(ctx: BotContext, qr: string, scenario: Scenario) {
    const outcome = await deps.verification.verify(qr, scenario);
    const words = deps.words(localeFor(ctx.from?.language_code), outcome, deps.clock.now());
    const vars = { scenario: words.scenario ?? '', checked: words.checked };
    await ctx.reply(
      words.confirmed
        ? ctx.t('verifier-result-confirmed', vars)
        : ctx.t('verifier-result-not-confirmed', { ...vars, reason: words.reason ?? '' }),
    );
  }

  return feature;
}

/** Telegram sends each photo in several sizes, smallest first: the largest that is not huge. */
function photoToRead(sizes: PhotoSize[]): PhotoSize {
  const fitting = sizes.filter((s) => Math.max(s.width, s.height) <= MAX_PHOTO_SIDE);
  return (fitting.at(-1) ?? sizes[0]) as PhotoSize;
}
