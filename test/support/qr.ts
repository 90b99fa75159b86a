import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { decodeText } from '../../core/digital-id/token-format';
import { tokenTextOf } from '../../core/digital-id/verify-token';

/** Reads a QR off a PNG as a phone camera would: the text it holds. */
export function readQrText(png: Buffer): string {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!found) throw new Error('no QR code in the picture');
  return found.data;
}

/** Reads a QR off a PNG as a phone camera would, and the Digital ID token inside it. */
export function readQr(png: Buffer) {
  return digitalIdIn(readQrText(png));
}

/** The Digital ID token a QR's content holds, as a verifier reads it. */
export function digitalIdIn(content: string) {
  const text = tokenTextOf(content);
  const token = text.ok ? decodeText(text.text) : null;
  if (!token) throw new Error(`the QR holds no Digital ID token: ${content}`);
  return {
    url: content,
    token,
    sid: Buffer.from(token.fields.sid).toString('hex'),
    seq: token.fields.seq,
  };
}

export async function fetchPhoto(sandboxUrl: string, fileId: string): Promise<Buffer> {
  const res = await fetch(`${sandboxUrl}/sandbox/api/files/${fileId}`);
  if (!res.ok) throw new Error(`no file ${fileId}`);
  return Buffer.from(await res.arrayBuffer());
}
