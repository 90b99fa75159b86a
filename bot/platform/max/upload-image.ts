import { setTimeout as wait } from 'node:timers/promises';
import { MaxApiError, type MaxClient } from './client';
import type { ImageAttachment } from './to-max';
import type { MaxUploadEndpoint } from './types';

/** Waits `ms`; injected so tests need not spend MAX's real backoff. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => wait(ms);

/** The SDK's schedule for a fresh upload MAX has not processed yet [sdk, `messages/const.js`]. */
const NOT_READY_DELAYS_MS = [1000, 2000, 4000] as const;

const NOT_READY = 'attachment.not.ready';

export const isNotReady = (err: unknown): boolean =>
  err instanceof MaxApiError && err.status === 400 && err.code === NOT_READY;

/**
 * An image in MAX's two steps: an upload URL from `POST /uploads?type=image`, then the PNG as
 * multipart field `data` there. The token comes back in `photos` (the SDK's reading) or, as
 * the schema's `UploadEndpoint` allows, with the URL or on its own.
 */
export async function uploadImage(
  client: MaxClient,
  png: Buffer,
  signal?: AbortSignal,
): Promise<ImageAttachment> {
  const endpoint = await client.call<MaxUploadEndpoint>('POST', '/uploads', {
    query: { type: 'image' },
    ...(signal ? { signal } : {}),
  });
  const uploaded = await client.uploadImage(endpoint.url, png, signal);
  const token = Object.values(uploaded.photos ?? {})[0]?.token ?? uploaded.token ?? endpoint.token;
  if (!token) throw new Error('MAX took the image but gave no token for it');
  return { type: 'image', payload: { token } };
}

/**
 * Runs the send or edit that carries a fresh image token, again after 1, 2 and 4 seconds while
 * MAX answers `attachment.not.ready`; then the last refusal stands (the port reads it as
 * unavailable, so the outbox retries later). Any other error is not retried here.
 */
export async function whenImageReady<T>(call: () => Promise<T>, sleep: Sleep): Promise<T> {
  for (const delay of NOT_READY_DELAYS_MS) {
    try {
      return await call();
    } catch (err) {
      if (!isNotReady(err)) throw err;
      await sleep(delay);
    }
  }
  return call();
}
