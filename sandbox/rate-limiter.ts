import { TelegramError } from './telegram/telegram-error';

/**
 * A sliding one-second window over the bot's calls, as a messenger's flood control behaves
 * from the outside: over the limit, 429 with a whole number of seconds to wait. The Telegram
 * dialect counts sending calls; the MAX dialect counts every request, as MAX does.
 */
export class SandboxRateLimiter {
  private readonly calls: number[] = [];
  /** Calls let through and 429s answered since the sandbox started, for the benches. */
  taken = 0;
  refused = 0;

  constructor(
    private perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  get limit(): number {
    return this.perSecond;
  }

  /** 0 turns the limit off. */
  setLimit(perSecond: number): void {
    this.perSecond = perSecond;
    this.calls.length = 0;
  }

  take(): void {
    if (this.perSecond === 0) return;
    const now = this.now();
    while (this.calls.length > 0 && (this.calls[0] as number) <= now - 1000) this.calls.shift();
    if (this.calls.length >= this.perSecond) {
      const waitMs = (this.calls[0] as number) + 1000 - now;
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      this.refused++;
      throw new TelegramError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    this.calls.push(now);
    this.taken++;
  }
}
