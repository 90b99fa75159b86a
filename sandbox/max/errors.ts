import { TelegramError } from '../telegram/telegram-error';

/**
 * MAX's error codes. The schema names `verify.token`, `not.found` and `attachment.not.ready`;
 * the codes of a 400, 403, 405 and 429 are not documented, so each lives here once.
 */
export const MAX_CODE = {
  unauthorized: 'verify.token',
  notFound: 'not.found',
  badRequest: 'proto.payload',
  notReady: 'attachment.not.ready',
  denied: 'chat.denied',
  notAllowed: 'method.not.allowed',
  tooMany: 'too.many.requests',
  internal: 'internal',
} as const;

/** An error answered as MAX shapes it: an HTTP status and `{code, message}`. */
export class MaxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'MaxApiError';
  }

  toJSON() {
    return { code: this.code, message: this.message };
  }
}

export const maxBadRequest = (message: string) => new MaxApiError(400, MAX_CODE.badRequest, message);
export const maxNotFound = (message: string) => new MaxApiError(404, MAX_CODE.notFound, message);

/** The world and its limiter refuse in Telegram's words; a MAX bot hears MAX's. */
export function asMaxError(err: unknown): MaxApiError | null {
  if (err instanceof MaxApiError) return err;
  if (!(err instanceof TelegramError)) return null;
  const message = err.description.replace(/^[A-Za-z ]+: /, '');
  if (err.errorCode === 429) return new MaxApiError(429, MAX_CODE.tooMany, message);
  if (err.errorCode === 403) return new MaxApiError(403, MAX_CODE.denied, message);
  if (/not found|wrong file identifier/.test(message)) return maxNotFound(message);
  return maxBadRequest(message);
}
