import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** A QR code of any content, as a PNG photo. */
export const qrPng = (content: string) => QRCode.toBuffer(content, { width: 400, margin: 4 });

/** A picture with no QR code in it: a grey gradient. */
export function plainPng(width = 320, height = 240): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const shade = Math.round((255 * (i % width)) / width);
    png.data.set([shade, shade, 200, 255], i * 4);
  }
  return PNG.sync.write(png);
}

/** Several pictures side by side in one photo, on white. */
export function sideBySide(...images: Buffer[]): Buffer {
  const parts = images.map((image) => PNG.sync.read(image));
  const width = parts.reduce((sum, p) => sum + p.width, 0);
  const height = Math.max(...parts.map((p) => p.height));
  const canvas = new PNG({ width, height, fill: true });
  canvas.data.fill(255);
  let x = 0;
  for (const part of parts) {
    PNG.bitblt(part, canvas, 0, 0, part.width, part.height, x, 0);
    x += part.width;
  }
  return PNG.sync.write(canvas);
}
