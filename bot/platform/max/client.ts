import type { MaxImageUploadResult } from './types';

/** MAX answered with an error: an HTTP status and MAX's `{code, message}`. */
export class MaxApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`MAX ${method} ${path} failed: ${status} ${code}: ${description}`);
    this.name = 'MaxApiError';
  }
}

/** MAX could not be reached, or did not answer in time. */
export class MaxNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    cause: unknown,
  ) {
    super(`MAX ${method} ${path} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'MaxNetworkError';
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | undefined;

export interface MaxCallOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Overrides the client's timeout (a long poll waits longer than a send). */
  timeoutMs?: number;
}

export interface MaxClientOptions {
  /** `https://platform-api2.max.ru`, or the sandbox's address. */
  root: string;
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /**
   * Awaited before every Bot API request, `POST /uploads` included: MAX counts each against
   * the bot's 30 a second, so the outgoing pipeline paces requests, not port calls. The file's
   * own POST goes to the upload host, which the Bot API's limit does not cover.
   */
  beforeRequest?: () => Promise<void>;
}

export interface MaxClient {
  call<T>(method: HttpMethod, path: string, options?: MaxCallOptions): Promise<T>;
  /** The second step of an image upload: a multipart POST of field `data` to the URL MAX gave. */
  uploadImage(url: string, png: Buffer, signal?: AbortSignal): Promise<MaxImageUploadResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A thin typed client over `fetch`: the token in the `Authorization` header (never the query,
 * so it stays out of URLs and logs), JSON in and out, MAX's errors as `MaxApiError`.
 */
export function maxClient(options: MaxClientOptions): MaxClient {
  const doFetch = options.fetch ?? fetch;
  const root = options.root.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request(method: HttpMethod, path: string, url: string, init: RequestInit, ms: number) {
    const signals = [AbortSignal.timeout(ms), ...(init.signal ? [init.signal] : [])];
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, { ...init, method, signal: AbortSignal.any(signals) });
      text = await response.text();
    } catch (err) {
      throw new MaxNetworkError(method, path, err);
    }
    if (!response.ok) throw apiError(response.status, text, method, path);
    return text;
  }

  return {
    async call<T>(method: HttpMethod, path: string, opts: MaxCallOptions = {}): Promise<T> {
      const url = `${root}${path}${queryString(opts.query)}`;
      const init: RequestInit = {
        headers: {
          authorization: options.token,
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        ...(opts.signal ? { signal: opts.signal } : {}),
      };
      await options.beforeRequest?.();
      return parseMaxJson(await request(method, path, url, init, opts.timeoutMs ?? timeout)) as T;
    },
    async uploadImage(url, png, signal) {
      const form = new FormData();
      form.append('data', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'digital-id.png');
      // The upload host is not the Bot API: it gets the file, never the token (nor does the SDK send it).
      const init: RequestInit = {
        body: form,
        ...(signal ? { signal } : {}),
      };
      return parseMaxJson(
        await request('POST', '/uploads (file)', url, init, timeout),
      ) as MaxImageUploadResult;
    },
  };
}

function queryString(query: MaxCallOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function apiError(status: number, text: string, method: string, path: string): MaxApiError {
  let code = `http.${status}`;
  let message = text.slice(0, 200);
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not MAX's JSON (a proxy's page, say): the status and the start of the text say enough.
  }
  return new MaxApiError(status, code, message, method, path);
}

/** Integers of 16 digits or more after an id field: they may not fit a JavaScript number. */
const LARGE_ID = /"(user_id|chat_id|photo_id)"\s*:\s*(-?\d{16,})/g;

/**
 * MAX's JSON, with `marker` kept as text (an int64 that may pass 2^53), and ids that would lose
 * precision kept as text too: never read wrong, they fail the converter's checks, so the one
 * update is logged and skipped instead of a whole batch refused again and again.
 */
export function parseMaxJson(text: string): unknown {
  if (text.trim() === '') return {};
  const exact = text.replace(LARGE_ID, (whole, field: string, value: string) =>
    Number.isSafeInteger(Number(value)) ? whole : `"${field}":"${value}"`,
  );
  return JSON.parse(exact.replace(/"marker"\s*:\s*(-?\d+)/g, '"marker":"$1"'));
}
