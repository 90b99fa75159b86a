import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Bot, BotError, type MiddlewareFn, type Transformer } from 'grammy';
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { Holding, ProcessedUpdateRepository } from '../db/repositories/processed-update.repository';
import type { BotContext } from './context';

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
  /** How long a process's hold on an update lasts unless renewed: a dead process's updates wait this long. */
  leaseSeconds: number;
  logger: Logger;
  isOutage(err: unknown): boolean;
}

/** Lapsed updates taken over per sweep; the next sweep takes the rest. */
const TAKE_OVER_BATCH = 100;

/**
 * Each update is handled exactly once, even across a process that dies mid-update. An update
 * is marked `handling` by this process, under a lease it renews while it works, and `done`
 * once its handling has an outcome (success, or a bug that would only repeat); an outage
 * leaves it `handling` to be run again. A redelivery of a done update is a duplicate; one
 * held by a live process waits; one whose holder died (its lease lapsed) is taken over.
 * Long polling: updates are stored with their payload before the messenger is told they
 * arrived, and `takeOverLapsed` runs those a dead process left.
 */
export function updateInbox(deps: UpdateInboxDeps) {
  const holder = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const holding = (): Holding => ({ botId: deps.botId(), holder, leaseSeconds: deps.leaseSeconds });
  /** Update objects whose mark this process holds (taken in, taken over, or held through an outage). */
  const owned = new WeakSet<Update>();
  /** Handled, but the mark could not be written: a retry only writes it. */
  const handled = new WeakSet<Update>();

  async function take(update: Update): Promise<boolean> {
    const id = update.update_id;
    if (owned.has(update)) {
      if ((await deps.updates.renew(holding(), [id])).length === 1) return true;
      owned.delete(update);
      deps.logger.info({ updateId: id }, 'update taken over by another process meanwhile');
      return false;
    }
    const claim = await deps.updates.claim(holding(), id);
    if (claim === 'in_hand') throw new UpdateInHand(id);
    if (claim === 'done') {
      deps.logger.info({ updateId: id }, 'duplicate update ignored');
      return false;
    }
    owned.add(update);
    return true;
  }

  /** Renews the lease while the handling lasts, so no other process takes the update meanwhile. */
  function keepLease(update: Update) {
    const timer = setInterval(
      () => deps.updates.renew(holding(), [update.update_id]).catch(() => {}),
      (deps.leaseSeconds * 1000) / 3,
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  const finish = async (update: Update) => {
    await deps.updates.finish(holding(), update.update_id);
    owned.delete(update);
  };

  const middleware: MiddlewareFn<BotContext> = async (ctx, next) => {
    const { update } = ctx;
    if (!(await take(update))) return;
    if (handled.has(update)) return finish(update);
    const stopRenewing = keepLease(update);
    try {
      await next();
    } catch (err) {
      // An outage: the update is run again later, here or (the lease ended) by any process.
      if (deps.isOutage(err)) await deps.updates.release(holding(), update.update_id).catch(() => {});
      else await finish(update);
      throw err;
    } finally {
      stopRenewing();
    }
    handled.add(update);
    await finish(update);
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
    try {
      const fresh = new Set(
        await deps.updates.receive(
          holding(),
          updates.map((u) => ({ updateId: u.update_id, payload: u })),
        ),
      );
      for (const update of updates) if (fresh.has(update.update_id)) owned.add(update);
    } catch (err) {
      deps.logger.warn({ err: String(err) }, 'could not store fetched updates; handling them from memory');
    }
    return response;
  };

  return {
    middleware,
    takeIn,
    /** Takes over the updates dead processes left, with their payload; they are then handled as any update. */
    async takeOverLapsed(): Promise<Update[]> {
      const rows = await deps.updates.takeOverLapsed(holding(), TAKE_OVER_BATCH);
      const updates = rows.map((r) => r.payload as Update);
      for (const update of updates) owned.add(update);
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
          : deps.logger.error({ err, updateId: update.update_id }, 'could not handle a recovered update'),
      )
      .finally(() => inHand.delete(handling));
    inHand.add(handling);
  };
  const sweep = () =>
    inbox
      .takeOverLapsed()
      .then((updates) => updates.forEach(handle))
      .catch((err) => deps.logger.warn({ err: String(err) }, 'could not look for unfinished updates'));
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
