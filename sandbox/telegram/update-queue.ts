import type { Update } from 'grammy/types';
import { TelegramError } from './telegram-error';

type Waiter = { resolve: (updates: Update[]) => void; reject: (err: TelegramError) => void; limit: number };

export type WebhookTarget = { url: string; secretToken: string | undefined };

/**
 * Updates waiting for the bot, with Telegram's getUpdates semantics: `offset` confirms every
 * earlier update, a long poll waits up to `timeout` seconds, and a newer poll ends an older one.
 * With a webhook set, updates are POSTed one at a time instead, retried until accepted.
 */
export class UpdateQueue {
  /** Starting from the clock keeps ids growing across sandbox restarts, like a real bot's. */
  private nextId = Math.floor(Date.now() / 1000) * 1000;
  private pending: Update[] = [];
  private waiter: Waiter | null = null;
  private webhook: WebhookTarget | null = null;
  private delivering = false;
  private closed = false;
  private readonly delivered = new Map<number, Update>();
  /** Updates delivered again: handed out once, whatever the offset says. */
  private readonly redeliveries = new Set<Update>();
  /** The last failed webhook delivery, as getWebhookInfo reports it. */
  private lastError: { date: number; message: string } | null = null;

  constructor(private readonly onWebhookError: (err: unknown) => void = () => {}) {}

  push(build: (updateId: number) => Update): Update {
    const update = build(this.nextId++);
    this.delivered.set(update.update_id, update);
    if (this.delivered.size > 10_000) this.delivered.delete(this.delivered.keys().next().value as number);
    this.enqueue(update);
    return update;
  }

  /** Delivers an update again with its original id, as a messenger does after a lost acknowledgement. */
  redeliver(updateId: number): boolean {
    const update = this.delivered.get(updateId);
    if (!update) return false;
    this.enqueue(update, true);
    return true;
  }

  private enqueue(update: Update, redelivery = false): void {
    // A redelivery goes first, so the offset the bot computes from a batch's last update
    // still confirms everything else in that batch.
    if (redelivery) {
      this.redeliveries.add(update);
      this.pending.unshift(update);
    } else {
      this.pending.push(update);
    }
    if (this.webhook) void this.deliverWebhook();
    else this.wake();
  }

  async getUpdates(offset: number | undefined, limit: number, timeoutSeconds: number): Promise<Update[]> {
    if (this.webhook) {
      throw new TelegramError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (offset !== undefined) this.confirm(offset);
    if (this.waiter) {
      this.waiter.reject(
        new TelegramError(
          409,
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        ),
      );
      this.waiter = null;
    }
    const ready = this.take(limit);
    if (ready.length > 0 || timeoutSeconds === 0 || this.closed) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, limit };
      this.waiter = waiter;
      const timer = setTimeout(() => {
        if (this.waiter === waiter) this.waiter = null;
        resolve([]);
      }, timeoutSeconds * 1000);
      waiter.resolve = (updates) => {
        clearTimeout(timer);
        resolve(updates);
      };
      waiter.reject = (err) => {
        clearTimeout(timer);
        reject(err);
      };
    });
  }

  setWebhook(target: WebhookTarget, dropPending: boolean): void {
    if (dropPending) this.pending = [];
    this.webhook = target;
    if (this.waiter) {
      this.waiter.resolve([]);
      this.waiter = null;
    }
    void this.deliverWebhook();
  }

  deleteWebhook(dropPending: boolean): void {
    if (dropPending) this.pending = [];
    this.webhook = null;
  }

  webhookInfo() {
    return {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
      ...(this.lastError
        ? { last_error_date: this.lastError.date, last_error_message: this.lastError.message }
        : {}),
    };
  }

  close(): void {
    this.closed = true;
    this.waiter?.resolve([]);
    this.waiter = null;
  }

  /** Confirms updates below `offset`; redelivered ones are confirmed by being handed out. */
  private confirm(offset: number): void {
    this.pending = this.pending.filter((u) => u.update_id >= offset || this.redeliveries.has(u));
  }

  private take(limit: number): Update[] {
    const batch = this.pending.slice(0, limit);
    for (const update of batch) {
      if (this.redeliveries.delete(update)) this.pending.splice(this.pending.indexOf(update), 1);
    }
    return batch;
  }

  private wake(): void {
    if (!this.waiter) return;
    const waiter = this.waiter;
    this.waiter = null;
    waiter.resolve(this.take(waiter.limit));
  }

  private async deliverWebhook(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    let backoffMs = 200;
    try {
      while (this.webhook && !this.closed && this.pending.length > 0) {
        const update = this.pending[0] as Update;
        const { url, secretToken } = this.webhook;
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}),
            },
            body: JSON.stringify(update),
            signal: AbortSignal.timeout(60_000),
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`webhook answered ${res.status}`);
          this.pending.shift();
          this.redeliveries.delete(update);
          backoffMs = 200;
        } catch (err) {
          this.lastError = {
            date: Math.floor(Date.now() / 1000),
            message: err instanceof Error ? err.message : String(err),
          };
          this.onWebhookError(err);
          await new Promise((r) => setTimeout(r, backoffMs));
          backoffMs = Math.min(backoffMs * 2, 10_000);
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
