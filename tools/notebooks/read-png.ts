/**
 * A small PNG decoder (8-bit grayscale, RGB, gray+alpha and RGBA, non-interlaced: what Chromium's
 * screenshots are) to check pixels of a screenshot: chunks, zlib-inflated IDAT, per-row filters
 * 0-4 (None, Sub, Up, Average, Paeth) as the PNG specification defines them.
 */
import { inflateSync } from 'node:zlib';

export interface PngImage { readonly width: number; readonly height: number; readonly rgba: Uint8Array }

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function readPng(bytes: Buffer, name = 'png'): PngImage {
  if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${name}: not a PNG file (bad signature)`);
  let pos = 8, width = 0, height = 0, depth = 0, color = 0, interlace = 0;
  const idat: Buffer[] = [];
  while (pos < bytes.length) {
    const len = bytes.readUInt32BE(pos), type = bytes.toString('latin1', pos + 4, pos + 8), data = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]!; color = data[9]!; interlace = data[12]!; }
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const ch = CHANNELS[color];
  if (depth !== 8 || ch === undefined || interlace !== 0) throw new Error(`${name}: unsupported PNG (bit depth ${depth}, color type ${color}, interlace ${interlace}); expected 8-bit, non-interlaced gray/RGB/RGBA`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * ch;
  if (raw.length < height * (stride + 1)) throw new Error(`${name}: image data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!, src = y * (stride + 1) + 1, row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= ch ? px[row + i - ch]! : 0, b = y > 0 ? px[row - stride + i]! : 0, c = i >= ch && y > 0 ? px[row - stride + i - ch]! : 0;
      const x = raw[src + i]!;
      let v: number;
      if (f === 0) v = x;
      else if (f === 1) v = x + a;
      else if (f === 2) v = x + b;
      else if (f === 3) v = x + ((a + b) >> 1);
      else if (f === 4) { const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c); v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c); }
      else throw new Error(`${name}: row ${y} has unknown filter type ${f}`);
      px[row + i] = v & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * ch;
    const [r, g, b, al] = ch === 1 ? [px[s]!, px[s]!, px[s]!, 255] : ch === 2 ? [px[s]!, px[s]!, px[s]!, px[s + 1]!] : [px[s]!, px[s + 1]!, px[s + 2]!, ch === 4 ? px[s + 3]! : 255];
    rgba.set([r, g, b, al], p * 4);
  }
  return { width, height, rgba };
}

/** Pixels in the box whose colour is saturated (max - min channel > `minSpread`): plot traces, not text, axes or background. */
export function colouredPixels(img: PngImage, box: { x: number; y: number; width: number; height: number }, minSpread = 60): number {
  let n = 0;
  for (let y = Math.max(0, box.y); y < Math.min(img.height, box.y + box.height); y++) {
    for (let x = Math.max(0, box.x); x < Math.min(img.width, box.x + box.width); x++) {
      const i = (y * img.width + x) * 4, r = img.rgba[i]!, g = img.rgba[i + 1]!, b = img.rgba[i + 2]!;
      if (Math.max(r, g, b) - Math.min(r, g, b) > minSpread) n++;
    }
  }
  return n;
}
