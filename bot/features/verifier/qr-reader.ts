import { imageSize } from 'image-size';
import { Piscina } from 'piscina';

export type QrReading =
  | { kind: 'found'; text: string }
  | { kind: 'none' }
  | { kind: 'several' }
  | { kind: 'too_large' }
  | { kind: 'busy' };

/** Bigger images are refused before decoding: a small file can unpack into gigabytes of pixels. */
const MAX_PIXELS = 16_000_000;

/**
 * Reads QR codes from photos in a worker thread (zxing's WebAssembly reader), so a verifier's
 * photo never holds the bot's event loop. The queue is bounded: when it is full the verifier is
 * asked to send the photo again instead of the bot falling behind on everyone else.
 */
export function qrReader(options: { threads?: number; maxQueue?: number } = {}) {
  const pool = new Piscina({
    filename: new URL('./qr-reader.worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: options.threads ?? 1,
    maxQueue: options.maxQueue ?? 16,
    idleTimeout: 60_000,
  });
  return {
    async read(image: Uint8Array): Promise<QrReading> {
      const size = dimensions(image);
      if (!size) return { kind: 'none' };
      if (size.width * size.height > MAX_PIXELS) return { kind: 'too_large' };
      let texts: string[];
      try {
        texts = await pool.run(image);
      } catch (err) {
        if (err instanceof Error && /queue is at limit/i.test(err.message)) return { kind: 'busy' };
        throw err;
      }
      const distinct = [...new Set(texts)];
      if (distinct.length === 0) return { kind: 'none' };
      if (distinct.length > 1) return { kind: 'several' };
      return { kind: 'found', text: distinct[0] as string };
    },
    close: () => pool.destroy(),
  };
}

export type QrReader = ReturnType<typeof qrReader>;

function dimensions(image: Uint8Array): { width: number; height: number } | null {
  try {
    const { width, height } = imageSize(image);
    return width && height ? { width, height } : null;
  } catch {
    return null;
  }
}
