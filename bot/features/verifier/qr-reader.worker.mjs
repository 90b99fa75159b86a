// Runs in a worker thread, where no TypeScript loader is guaranteed (vitest, plain node):
// hence plain JavaScript. It only turns image bytes into the texts of the QR codes found.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

// The WebAssembly binary ships in the package; left alone, the library would fetch it from a CDN.
const wasm = readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'));
prepareZXingModule({
  overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) },
  fireImmediately: true,
});

/** @param {Uint8Array} image PNG, JPEG, WebP, GIF or BMP bytes. @returns {Promise<string[]>} */
export default async function readQrCodes(image) {
  const found = await readBarcodes(image, { formats: ['QRCode'], maxNumberOfSymbols: 4, tryHarder: true });
  return found.filter((code) => code.isValid).map((code) => code.text);
}
