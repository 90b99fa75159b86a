/** An error answered exactly as the Telegram Bot API shapes it. */
export class TelegramError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
    this.name = 'TelegramError';
  }

  toJSON() {
    return {
      ok: false,
      error_code: this.errorCode,
      description: this.description,
      ...(this.retryAfter === undefined ? {} : { parameters: { retry_after: this.retryAfter } }),
    };
  }
}

export const badRequest = (what: string) => new TelegramError(400, `Bad Request: ${what}`);
export const forbidden = (what: string) => new TelegramError(403, `Forbidden: ${what}`);
