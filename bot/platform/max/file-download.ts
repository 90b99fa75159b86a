import type { FileDownloader } from '../file-download';

const DOWNLOAD_TIMEOUT_MS = 15_000;

/**
 * Downloads an image a person sent on MAX. Its file id is the image's URL (to-telegram.ts), so
 * no `getFile` is needed. Only https URLs are fetched (http too for the sandbox, which has no
 * TLS), redirects are not followed, and anything over `maxBytes` is refused before and while
 * reading, as on Telegram.
 */
export function maxFileDownloader(options: { allowHttp: boolean }): FileDownloader {
  const schemes = options.allowHttp ? ['https:', 'http:'] : ['https:'];
  return async (_api, fileId, maxBytes) => {
    let url: URL;
    try {
      url = new URL(fileId);
    } catch {
      return null;
    }
    if (!schemes.includes(url.protocol)) return null;
    const response = await fetch(url, {
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      await response.body?.cancel();
      return null;
    }
    return readAtMost(response, maxBytes);
  };
}

/** The body, or null as soon as it passes `maxBytes` (a missing or false length is no guard). */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
