import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// zlib.crc32 arrived in Node 20.15 and 22.2; `engines` asks for 20.18+ or 22.2+, so it is always there.
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A QR code as a black-on-white 1-bit greyscale PNG with a `margin`-module quiet zone, written
 * straight from the QR matrix: each module row is packed into bits once, quiet zone and scale
 * included, and repeated `scale` times; one deflate pass at level 1 (the image is mostly runs,
 * which level 1 finds as well as level 6). `qrcode`'s own PNG output costs ~10 ms per image
 * (an RGBA bitmap through pngjs, eight masks scored); this costs ~0.1 ms.
 *
 * The text is one byte-mode segment: `qrcode`'s segment optimiser (regular expressions and a
 * shortest-path search over numeric, alphanumeric and byte runs) costs ten times the rest of
 * the encoding and gains nothing on a base64url token, which is bytes anyway. The mask is
 * fixed for the same reason: scoring all eight costs more than the image. Error correction M:
 * a phone reads it off a screen, and the URL stays in a small version.
 */
export function renderQrPng(text: string, options: { scale?: number; margin?: number } = {}): Buffer {
  const scale = options.scale ?? 8;
  const margin = options.margin ?? 4;
  const { modules } = QRCode.create([{ data: Buffer.from(text), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 2,
  });
  const side = (modules.size + 2 * margin) * scale;
  const stride = Math.ceil(side / 8) + 1; // a filter byte, then the row's bits
  const raw = Buffer.alloc(stride * side, 0xff);
  for (let y = 0; y < side; y++) raw[y * stride] = 0; // filter: none
  const row = Buffer.alloc(stride);
  for (let my = 0; my < modules.size; my++) {
    row.fill(0xff);
    row[0] = 0;
    for (let mx = 0; mx < modules.size; mx++) {
      // A set module is black: bit 0 in 1-bit greyscale.
      if (modules.get(my, mx)) clearBits(row, (margin + mx) * scale, scale);
    }
    const top = (margin + my) * scale;
    for (let k = 0; k < scale; k++) row.copy(raw, (top + k) * stride);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(1, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale; compression, filter and interlace stay 0
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Clears `count` pixels from pixel `from` of a packed row whose byte 0 is the filter byte. */
function clearBits(row: Buffer, from: number, count: number): void {
  let x = from;
  const end = from + count;
  while (x < end) {
    const byte = 1 + (x >> 3);
    if ((x & 7) === 0 && end - x >= 8) {
      row[byte] = 0;
      x += 8;
    } else {
      row[byte] = (row[byte] as number) & ~(0x80 >> (x & 7));
      x++;
    }
  }
}
