import { randomBytes } from 'node:crypto';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { qrReader } from '../../bot/features/verifier/qr-reader';
import { renderQrPng } from '../../bot/platform/qr-image';
import { nodeEd25519 } from '../../core/digital-id/ed25519';
import { issueToken, verifierUrl } from '../../core/digital-id/issue-token';

const ed25519 = nodeEd25519();
const key = { kid: 1, seed: new Uint8Array(randomBytes(32)) };
const sid = new Uint8Array(randomBytes(16));
const token = (seq: number) =>
  issueToken(ed25519, key, { scenario: 'adult', iat: Math.floor(Date.now() / 1000), ttl: 45, sid, seq });

/** The URLs a screen shows: a short public URL, and a long one that needs a larger QR version. */
const urls = [
  verifierUrl('https://gosuslugi.example.ru', token(1)),
  verifierUrl('https://verify.digital-id.gosuslugi.example.ru/checkout/portal', token(2)),
];
/** The production size (8 px a module, 4-module quiet zone) and a few others the writer must get right. */
const sizes = [
  { scale: 8, margin: 4 },
  { scale: 1, margin: 4 },
  { scale: 3, margin: 1 },
  { scale: 5, margin: 2 },
];

/** The matrix the renderer draws: the URL as one byte-mode segment, mask 2. */
const matrixOf = (url: string) =>
  QRCode.create([{ data: Buffer.from(url), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 2 })
    .modules;

/** CRC-32 as the PNG specification writes it, independent of the renderer's. */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunksOf(png: Buffer) {
  const chunks: { type: string; data: Buffer; crcOk: boolean }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crcOk = png.readUInt32BE(at + 8 + length) === crc32(png.subarray(at + 4, at + 8 + length));
    chunks.push({ type, data, crcOk });
    at += 12 + length;
  }
  return chunks;
}

describe('the QR PNG writer', () => {
  const reader = qrReader();
  afterAll(() => reader.close());

  it('writes a valid 1-bit greyscale PNG: signature, IHDR, IDAT, IEND, each CRC right', () => {
    for (const url of urls) {
      for (const { scale, margin } of sizes) {
        const png = renderQrPng(url, { scale, margin });
        expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        const chunks = chunksOf(png);
        expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
        expect(chunks.every((c) => c.crcOk)).toBe(true);
        const ihdr = chunks[0]!.data;
        const side = (matrixOf(url).size + 2 * margin) * scale;
        expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)]).toEqual([side, side]);
        // bit depth 1, greyscale, deflate, filter method 0, no interlace
        expect([...ihdr.subarray(8)]).toEqual([1, 0, 0, 0, 0]);
      }
    }
  });

  it('draws every module at its place, with a white quiet zone', () => {
    for (const url of urls) {
      for (const { scale, margin } of sizes) {
        const image = PNG.sync.read(renderQrPng(url, { scale, margin }));
        const modules = matrixOf(url);
        const black = (px: number, py: number) => image.data[(py * image.width + px) * 4] === 0;
        const wrong: string[] = [];
        const cells = modules.size + 2 * margin;
        for (let y = 0; y < cells; y++) {
          for (let x = 0; x < cells; x++) {
            const [mx, my] = [x - margin, y - margin];
            const inside = mx >= 0 && my >= 0 && mx < modules.size && my < modules.size;
            const expected = inside && modules.get(my, mx) === 1;
            // Every pixel of the cell, not only its centre: the scale is done by the row writer.
            for (let py = y * scale; py < (y + 1) * scale; py++)
              for (let px = x * scale; px < (x + 1) * scale; px++)
                if (black(px, py) !== expected) wrong.push(`${scale}/${margin}: ${px},${py}`);
          }
        }
        expect(wrong.slice(0, 5)).toEqual([]);
      }
    }
  });

  it('is read back by jsQR and by ZXing (the verifier bot’s reader)', async () => {
    for (const url of urls) {
      for (const { scale, margin } of sizes.filter((s) => s.scale >= 3)) {
        const png = renderQrPng(url, { scale, margin });
        const image = PNG.sync.read(png);
        expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(url);
        expect(await reader.read(png)).toEqual({ kind: 'found', text: url });
      }
    }
  });
});
