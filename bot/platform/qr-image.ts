import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A QR code as a black-on-white 1-bit PNG with a four-module quiet zone. The `qrcode`
 * package's own PNG output costs ~30 ms; its matrix with a fixed mask pattern plus this
 * writer costs ~2 ms, which is what lets one core re-sign hundreds of screens a second.
 * Error correction M: a phone reads it off a screen, and the URL stays in a small version.
 */
export function renderQrPng(text: string, options: { scale?: number; margin?: number } = {}): Buffer {
  const scale = options.scale ?? 8;
  const margin = options.margin ?? 4;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M', maskPattern: 2 });
  const modules = qr.modules.size;
  const side = (modules + 2 * margin) * scale;
  const rowBytes = Math.ceil(side / 8);
  const raw = Buffer.alloc((rowBytes + 1) * side, 0xff);
  for (let y = 0; y < side; y++) {
    const rowStart = y * (rowBytes + 1);
    raw[rowStart] = 0; // filter: none
    const my = Math.floor(y / scale) - margin;
    if (my < 0 || my >= modules) continue;
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - margin;
      if (mx < 0 || mx >= modules || !qr.modules.get(my, mx)) continue;
      // A set module is black: bit 0 in 1-bit greyscale.
      const byte = rowStart + 1 + (x >> 3);
      raw[byte] = (raw[byte] as number) & ~(0x80 >> (x & 7));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(1, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
