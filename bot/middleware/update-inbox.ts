import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Bot, BotError, type MiddlewareFn, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Holding, ProcessedUpdateRepository } from '../../db/repositories/processed-update.repository';
import type { BotContext } from '../context';

/** The update is being handled by another live process: a webhook asks for it again later. */
export class UpdateInHand extends Error {
  constructor(readonly updateId: number) {
    super(`update ${updateId} is being handled by another process`);
    this.name = 'UpdateInHand';
  }
}

export interface UpdateInboxDeps {
  updates: ProcessedUpdateRepository;
  /** The bot's own id (known once it is initialised, before any update). */
  botId(): number;
  /** How long this process holds an update unless it renews the hold. */
  leaseSeconds: number;
  logger: Logger;
  /** Whether an error means the database or Redis is away: the update is then run again. */
  isOutage(err: unknown): boolean;
  /** Aborted when the process stops: marks not yet written are given up then. */
  stopping: AbortSignal;
}

/**
 * What went wrong, without the failed query's parameters: drizzle puts them in its error's
 * message, and here they are updates (messages, shared phone numbers).
 */
function reasonOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Lapsed updates taken over per sweep; the next sweep takes the rest. */
const TAKE_OVER_BATCH = 100;
/** Waits between attempts at writing a mark: 1 s, doubling, at most 15 s. */
const retryDelayMs = (attempt: number) => Math.min(1000 * 2 ** attempt, 15_000);

/**
 * Each update is handled to its end once, and none is lost with a process that dies
 * mid-update. An update is marked `handling` by this process, under a lease it renews while
 * it works, and `done` once its handling has an outcome (success, or a bug that would only
 * repeat); an outage leaves it `handling`, to be run again. A redelivery of a done update is
 * a duplicate; one held by a live process waits; one whose holder died is taken over.
 * Long polling: updates are stored with their payload before the messenger is told they
 * arrived, and `takeOverLapsed` finds those a dead process left.
 */
export function updateInbox(deps: UpdateInboxDeps) {
  const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const holding = (): Holding => ({ botId: deps.botId(), holder, leaseSeconds: deps.leaseSeconds });
  /** Updates this process is handling, or has handled and not yet marked done. */
  const inHand = new Set<number>();

  async function take(id: number): Promise<boolean> {
    const claim = await deps.updates.claim(holding(), id);
    if (claim === 'in_hand') throw new UpdateInHand(id);
    if (claim === 'done') deps.logger.info({ updateId: id }, 'duplicate update ignored');
    return claim === 'taken';
  }

  /** Renews the lease while the handling lasts, so no other process takes the update meanwhile. */
  function keepLease(id: number) {
    const timer = setInterval(
      () => deps.updates.renew(holding(), [id]).catch(() => {}),
      (deps.leaseSeconds * 1000) / 3,
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Marks the handled update done. If that fails (the database went away just now), the
   * handling is not run again for it: the mark is written once the database answers, and a
   * redelivery meanwhile is told the update is in hand.
   */
  async function settle(id: number) {
    try {
      await deps.updates.finish(holding(), id);
      inHand.delete(id);
    } catch (err) {
      deps.logger.warn(
        { reason: reasonOf(err), updateId: id },
        'could not mark an update done; trying again',
      );
      void settleLater(id);
    }
  }

  async function settleLater(id: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        await sleep(retryDelayMs(attempt), undefined, { signal: deps.stopping });
      } catch {
        deps.logger.warn({ updateId: id }, 'stopping: a handled update was not marked done');
        return;
      }
      try {
        await deps.updates.finish(holding(), id);
        inHand.delete(id);
        return;
      } catch {
        // Still away: the next attempt waits longer.
      }
    }
  }

  const middleware: MiddlewareFn<BotContext> = async (ctx, next) => {
    const id = ctx.update.update_id;
    // Delivered again while this process still has it (a webhook retry, a sweep).
    if (inHand.has(id)) throw new UpdateInHand(id);
    inHand.add(id);
    const taken = await take(id).catch((err) => {
      inHand.delete(id);
      throw err;
    });
    if (!taken) {
      inHand.delete(id);
      return;
    }
    const stopRenewing = keepLease(id);
    let handled = false;
    try {
      await next();
      handled = true;
    } catch (err) {
      // A bug would only repeat: its outcome is final. An outage, though, is run again
      // (held, or delivered again), by this process or, once the lease lapses, any other.
      handled = !deps.isOutage(err);
      throw err;
    } finally {
      stopRenewing();
      if (handled) await settle(id);
      else inHand.delete(id);
    }
  };

  /**
   * Stores what getUpdates fetched before the runner asks for more (which tells the messenger
   * these arrived). If PostgreSQL is away they go on unstored, and wait in memory as any
   * update does through an outage.
   */
  const takeIn: Transformer = async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    if (method !== 'getUpdates' || !response.ok) return response;
    const updates = response.result as Update[];
    await deps.updates
      .receive(
        holding(),
        updates.map((u) => ({ updateId: u.update_id, payload: u })),
      )
      .catch((err) =>
        deps.logger.warn(
          { reason: reasonOf(err) },
          'could not store fetched updates; handling them from memory',
        ),
      );
    return response;
  };

  return {
    middleware,
    takeIn,
    /** Takes over the updates dead processes left, with their payload, to be handled as any update. */
    async takeOverLapsed(): Promise<Update[]> {
      const rows = await deps.updates.takeOverLapsed(holding(), TAKE_OVER_BATCH);
      const updates = rows.map((r) => r.payload as Update);
      if (updates.length > 0)
        deps.logger.warn(
          { updateIds: updates.map((u) => u.update_id) },
          'handling updates a stopped process left unfinished',
        );
      return updates;
    },
  };
}

export type UpdateInbox = ReturnType<typeof updateInbox>;

/**
 * On start and every lease period, handles the updates that processes which died left with
 * their payload (long polling: the messenger will not deliver them again). `stop` waits for
 * those in hand.
 */
export function recoverLapsedUpdates(
  bot: Bot<BotContext>,
  inbox: UpdateInbox,
  deps: { leaseSeconds: number; logger: Logger },
) {
  const inHand = new Set<Promise<unknown>>();
  const handle = (update: Update) => {
    const handling = bot
      .handleUpdate(update)
      .catch((err) =>
        err instanceof BotError
          ? bot.errorHandler(err)
          : deps.logger.error(
              { reason: reasonOf(err), updateId: update.update_id },
              'could not handle a recovered update',
            ),
      )
      .finally(() => inHand.delete(handling));
    inHand.add(handling);
  };
  const sweep = () =>
    inbox
      .takeOverLapsed()
      .then((updates) => updates.forEach(handle))
      .catch((err) => deps.logger.warn({ reason: reasonOf(err) }, 'could not look for unfinished updates'));
  void sweep();
  const timer = setInterval(sweep, deps.leaseSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await Promise.allSettled(inHand);
    },
  };
}
