import { setTimeout as sleep } from 'node:timers/promises';
import type { I18n } from '@grammyjs/i18n';
import { type Bot, BotError, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import { localeFor } from '../core/messaging/locale';
import type { BotContext, FormContext } from './context';
import { UpdateInHand } from './middleware/update-inbox';

export interface UpdateFailureDeps {
  i18n: I18n<FormContext>;
  logger: Logger;
  metrics: { handlerErrors: { inc(): void } };
  /** Whether an error means the database or Redis is away, rather than a bug. */
  isOutage(err: unknown): boolean;
  /** Aborted when the process stops: held updates are given up then. */
  stopping: AbortSignal;
}

/** Waits between attempts at a held update: 1 s, doubling, at most 15 s. */
const holdDelayMs = (attempt: number) => Math.min(1000 * 2 ** attempt, 15_000);

/**
 * What happens to an update whose handler failed. A bug: it is logged and the person told
 * once. An outage (PostgreSQL or Redis away): the person is told their message waits, and
 * the update is held and run again until the outage ends, so nothing they sent is lost.
 */
export function updateFailures(bot: Bot<BotContext>, deps: UpdateFailureDeps) {
  async function tell(ctx: BotContext, key: 'error-generic' | 'error-unavailable') {
    // i18n may not have run yet (the database failed first), so translate without ctx.t.
    const text = deps.i18n.t(localeFor(ctx.from?.language_code), key);
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: key === 'error-unavailable' });
      else if (ctx.chat) await ctx.reply(text);
    } catch (err) {
      deps.logger.warn(
        { err, updateId: ctx.update.update_id },
        'could not tell the person about the failure',
      );
    }
  }

  async function failed(err: BotError<BotContext>) {
    // Not a failure: a live process holds the update, and it (or, should it die, whoever
    // takes over its lapsed lease) handles it.
    if (err.error instanceof UpdateInHand) {
      deps.logger.info({ updateId: err.error.updateId }, 'update in hand elsewhere; left to its holder');
      return;
    }
    deps.metrics.handlerErrors.inc();
    deps.logger.error({ err: err.error, updateId: err.ctx.update.update_id }, 'update handler failed');
    // The person blocked the bot: there is nobody to tell.
    if (err.error instanceof GrammyError && err.error.error_code === 403) return;
    await tell(err.ctx, 'error-generic');
  }

  /** Runs the held update again until it goes through, fails for another reason, or we stop. */
  async function hold(update: Update) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sleep(holdDelayMs(attempt), undefined, { signal: deps.stopping });
      } catch {
        deps.logger.warn({ updateId: update.update_id }, 'stopping during an outage: held update given up');
        return;
      }
      try {
        await bot.handleUpdate(update);
        deps.logger.info({ updateId: update.update_id, attempts: attempt + 2 }, 'held update handled');
        return;
      } catch (err) {
        if (!(err instanceof BotError)) throw err;
        if (!deps.isOutage(err.error)) return failed(err);
      }
    }
  }

  /** Update ids already told about, so a redelivery every few seconds does not repeat it. */
  const told = new Set<number>();
  const tellOnce = async (ctx: BotContext) => {
    if (told.has(ctx.update.update_id)) return;
    told.add(ctx.update.update_id);
    if (told.size > 10_000) told.delete(told.values().next().value as number);
    await tell(ctx, 'error-unavailable');
  };

  return {
    /**
     * Wraps the webhook handler: in an outage, or while another process holds the update, it
     * answers 503, so the messenger delivers it again later; a bug is answered 200, since
     * delivering it again would not help.
     */
    webhook<Req, Reply extends { code(status: number): { send(body?: unknown): unknown } }>(
      handle: (req: Req, reply: Reply) => Promise<unknown>,
    ) {
      return async (req: Req, reply: Reply) => {
        try {
          return await handle(req, reply);
        } catch (err) {
          if (!(err instanceof BotError)) throw err;
          // Held by a live process: delivered again later, it is done or that process died.
          if (err.error instanceof UpdateInHand) return reply.code(503).send({ error: 'in_hand' });
          if (deps.isOutage(err.error)) {
            deps.logger.warn(
              { err: String(err.error), updateId: err.ctx.update.update_id },
              'a dependency is unavailable; the messenger will deliver the update again',
            );
            await tellOnce(err.ctx);
            return reply.code(503).send({ error: 'unavailable' });
          }
          await failed(err);
          return reply.code(200).send();
        }
      };
    },

    /** bot.catch, for long polling: the runner waits for this before it frees the slot. */
    async onError(err: BotError<BotContext>) {
      if (!deps.isOutage(err.error)) return failed(err);
      deps.logger.warn(
        { err: String(err.error), updateId: err.ctx.update.update_id },
        'a dependency is unavailable; holding the update',
      );
      await tellOnce(err.ctx);
      await hold(err.ctx.update);
    },
  };
}
