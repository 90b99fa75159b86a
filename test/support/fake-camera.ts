import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

const WIDTH = 640;
const HEIGHT = 480;
/** Frames a second; Chromium plays the file at this rate and starts over at its end. */
const FPS = 10;
const QUIET_ZONE = 4;

/** A scene: `seconds` of a QR holding `qr` in front of the camera, or of a blank white page. */
export interface Scene {
  qr: string | null;
  seconds: number;
}

/** The picture's brightness (Y plane): the QR black on white, quiet zone around it, centred. */
function lumaOf(qr: string | null): Buffer {
  const luma = Buffer.alloc(WIDTH * HEIGHT, 255);
  if (qr === null) return luma;
  const { modules } = QRCode.create(qr, { errorCorrectionLevel: 'M' });
  const scale = Math.floor((HEIGHT - 40) / (modules.size + 2 * QUIET_ZONE));
  const left = Math.floor((WIDTH - modules.size * scale) / 2);
  const top = Math.floor((HEIGHT - modules.size * scale) / 2);
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      for (let y = 0; y < scale; y++)
        luma.fill(
          0,
          (top + row * scale + y) * WIDTH + left + col * scale,
          (top + row * scale + y) * WIDTH + left + (col + 1) * scale,
        );
    }
  return luma;
}

/**
 * A YUV4MPEG2 video for Chromium's fake camera (`--use-file-for-fake-video-capture`), which reads
 * 4:2:0 planar frames only: grey, so the colour planes are all 128.
 */
export async function writeFakeCameraVideo(path: string, scenes: Scene[]): Promise<void> {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (const scene of scenes) {
    const frame = Buffer.concat([Buffer.from('FRAME\n'), lumaOf(scene.qr), chroma]);
    for (let i = 0; i < Math.round(scene.seconds * FPS); i++) parts.push(frame);
  }
  await writeFile(path, Buffer.concat(parts));
}
