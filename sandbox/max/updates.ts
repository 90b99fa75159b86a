import { MAX_CODE, MaxApiError } from './errors';
import type { MaxUpdate } from './types';

/** `anyType`: delivered whatever types the bot asked for (an update a test injects raw). */
type Numbered = { n: number; update: MaxUpdate; anyType?: boolean };
type Waiter = { resolve: (batch: Numbered[]) => void; limit: number; types: string[] | undefined };

export interface MaxSubscription {
  url: string;
  secret: string | undefined;
  types: string[] | undefined;
  time: number;
}

interface Delivery extends MaxSubscription {
  queue: Numbered[];
  delivering: boolean;
}

const matches = (types: string[] | undefined, { update, anyType }: Omit<Numbered, 'n'>) =>
  anyType || !types || types.length === 0 || types.includes(update.update_type);

/**
 * Updates waiting for a MAX bot, with `GET /updates` marker semantics: updates are numbered
 * upwards from the clock (never 0, which the SDK would drop as "no marker"); a poll answers
 * the last number + 1 as its marker, and passing a marker commits every update below it.
 * Without a marker every uncommitted update comes again. With subscriptions, each update is
 * POSTed to every matching one instead, retried until it answers 2xx.
 */
export class MaxUpdateQueue {
  private next = Date.now();
  private pending: Numbered[] = [];
  private waiter: Waiter | null = null;
  private readonly deliveries: Delivery[] = [];
  private readonly sent = new Map<number, Omit<Numbered, 'n'>>();
  private closed = false;

  constructor(private readonly onWebhookError: (err: unknown, url: string) => void) {}

  push(update: MaxUpdate, anyType = false): number {
    const n = this.next;
    this.sent.set(n, { update, anyType });
    if (this.sent.size > 10_000) this.sent.delete(this.sent.keys().next().value as number);
    this.enqueue({ update, anyType });
    return n;
  }

  /** Updates not yet committed by a poll or acknowledged by a webhook. */
  pendingCount(): number {
    return this.pending.length + this.deliveries.reduce((sum, d) => sum + d.queue.length, 0);
  }

  /** Delivers update `n` again, under a new number, as MAX does after a lost acknowledgement. */
  redeliver(n: number): boolean {
    const sent = this.sent.get(n);
    if (sent) this.enqueue(sent);
    return sent !== undefined;
  }

  async getUpdates(
    marker: number | undefined,
    limit: number,
    timeoutSeconds: number,
    types: string[] | undefined,
  ): Promise<{ updates: MaxUpdate[]; marker: number }> {
    if (this.deliveries.length > 0)
      throw new MaxApiError(405, MAX_CODE.notAllowed, 'Long polling is not available while a webhook is set');
    if (marker !== undefined) this.pending = this.pending.filter((p) => p.n >= marker);
    this.waiter?.resolve([]);
    let batch = this.take(limit, types);
    if (batch.length === 0 && timeoutSeconds > 0 && !this.closed) {
      batch = await new Promise<Numbered[]>((resolve) => {
        const timer = setTimeout(() => waiter.resolve([]), timeoutSeconds * 1000);
        const waiter: Waiter = {
          limit,
          types,
          resolve: (found) => {
            clearTimeout(timer);
            if (this.waiter === waiter) this.waiter = null;
            resolve(found);
          },
        };
        this.waiter = waiter;
      });
    }
    const last = batch.at(-1);
    return { updates: batch.map((b) => b.update), marker: last ? last.n + 1 : this.next };
  }

  subscribe(subscription: MaxSubscription): void {
    this.unsubscribe(subscription.url);
    const delivery: Delivery = { ...subscription, queue: [], delivering: false };
    for (const p of this.pending) if (matches(delivery.types, p)) delivery.queue.push(p);
    this.pending = [];
    this.deliveries.push(delivery);
    this.waiter?.resolve([]);
    void this.deliver(delivery);
  }

  /** Removes a subscription; what it had not delivered waits for polling when none is left. */
  unsubscribe(url: string): boolean {
    const index = this.deliveries.findIndex((d) => d.url === url);
    if (index < 0) return false;
    const [removed] = this.deliveries.splice(index, 1);
    if (this.deliveries.length === 0)
      for (const p of removed?.queue ?? []) this.pending.push({ ...p, n: this.next++ });
    return true;
  }

  subscriptions(): MaxSubscription[] {
    return this.deliveries.map(({ url, secret, types, time }) => ({ url, secret, types, time }));
  }

  close(): void {
    this.closed = true;
    this.waiter?.resolve([]);
  }

  private enqueue(item: Omit<Numbered, 'n'>): void {
    const numbered = { ...item, n: this.next++ };
    if (this.deliveries.length === 0) {
      this.pending.push(numbered);
      const waiter = this.waiter;
      if (waiter && matches(waiter.types, item)) waiter.resolve(this.take(waiter.limit, waiter.types));
      return;
    }
    for (const delivery of this.deliveries) {
      if (!matches(delivery.types, item)) continue;
      delivery.queue.push(numbered);
      void this.deliver(delivery);
    }
  }

  private take(limit: number, types: string[] | undefined): Numbered[] {
    return this.pending.filter((p) => matches(types, p)).slice(0, limit);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    if (delivery.delivering) return;
    delivery.delivering = true;
    let backoffMs = 200;
    try {
      while (!this.closed && this.deliveries.includes(delivery) && delivery.queue.length > 0) {
        try {
          const res = await fetch(delivery.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(delivery.secret ? { 'x-max-bot-api-secret': delivery.secret } : {}),
            },
            body: JSON.stringify(delivery.queue[0]?.update),
            signal: AbortSignal.timeout(30_000),
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`webhook answered ${res.status}`);
          delivery.queue.shift();
          backoffMs = 200;
        } catch (err) {
          this.onWebhookError(err, delivery.url);
          await new Promise((r) => setTimeout(r, backoffMs));
          backoffMs = Math.min(backoffMs * 2, 10_000);
        }
      }
    } finally {
      delivery.delivering = false;
    }
  }
}
