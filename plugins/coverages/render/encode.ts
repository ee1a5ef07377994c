/**
 * RGBA pixels to PNG, JPEG or WebP. Settings favour speed: this runs for every WMS map and WMTS
 * tile. PNG is written by png.ts (Sub filter, run-length deflate: about half sharp's CPU and
 * smaller on imagery); JPEG, WebP and palette PNG through sharp (libvips): WebP at effort 0,
 * palette PNG 3-4x slower and so only on request (README).
 */
import sharp from 'sharp';
import type { ImageFormat } from '../types.js';
import { encodePngAsync } from './png.js';

export interface EncodeOptions {
  format: ImageFormat;
  /** Keep transparency where pixels have it (PNG, WebP). Default false: flattened onto bgcolor. */
  transparent?: boolean;
  /** Background as 0xRRGGBB where pixels are (partly) transparent and transparency is not kept. Default white. */
  bgcolor?: number;
  /** JPEG/WebP quality 1-100 (default 85 for JPEG, 80 for WebP). */
  quality?: number;
  /** PNG: a zlib level 1-9 for LZ77 matching (default: run-length matching, the fastest). */
  compressionLevel?: number;
  /** PNG: quantise to an 8-bit palette (smaller, several times slower). Default false. */
  palette?: boolean;
}

export const imageContentTypes: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/**
 * Encodes width*height straight-alpha RGBA pixels. The image has an alpha channel only when
 * transparency is asked for, the format has one, and some pixel is not opaque.
 */
export async function encodeImage(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, options: EncodeOptions): Promise<Buffer> {
  if (rgba.length !== width * height * 4) throw new Error(`${rgba.length} bytes are not ${width}x${height} RGBA pixels`);
  if (options.format === 'png' && !options.palette) {
    // Alpha kept only when asked for and some pixel has it; flattened onto bgcolor otherwise.
    return encodePngAsync(rgba, width, height, { alpha: options.transparent === true, bgcolor: options.bgcolor, level: options.compressionLevel });
  }
  const transparent = hasTransparency(rgba);
  const keepAlpha = options.transparent === true && options.format !== 'jpeg' && transparent;
  // An opaque image goes to libvips as RGBA with the alpha band dropped there: measured ~250 µs
  // less per 256x256 tile than copying it to RGB here (libvips' own flatten is slower than ours).
  const image = keepAlpha || !transparent
    ? sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
    : sharp(flatten(rgba, options.bgcolor ?? 0xffffff), { raw: { width, height, channels: 3 } });
  if (!transparent) image.removeAlpha();
  switch (options.format) {
    case 'png':
      return image.png({ palette: true, effort: 1, compressionLevel: options.compressionLevel ?? 3, adaptiveFiltering: false }).toBuffer();
    case 'jpeg':
      return image.jpeg({ quality: options.quality ?? 85 }).toBuffer();
    case 'webp':
      return image.webp({ quality: options.quality ?? 80, effort: 0 }).toBuffer();
    default:
      throw new Error(`unknown image format ${String(options.format)}`);
  }
}

function hasTransparency(rgba: Uint8ClampedArray | Uint8Array): boolean {
  for (let o = 3; o < rgba.length; o += 4) if (rgba[o] !== 255) return true;
  return false;
}

/** RGB bytes of the pixels drawn over an opaque background colour. */
export function flatten(rgba: Uint8ClampedArray | Uint8Array, bgcolor: number): Buffer {
  const out = Buffer.allocUnsafe((rgba.length / 4) * 3);
  const br = (bgcolor >> 16) & 255;
  const bg = (bgcolor >> 8) & 255;
  const bb = bgcolor & 255;
  for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
    const a = rgba[p + 3];
    if (a === 255) {
      out[q] = rgba[p];
      out[q + 1] = rgba[p + 1];
      out[q + 2] = rgba[p + 2];
    } else if (a === 0) {
      out[q] = br;
      out[q + 1] = bg;
      out[q + 2] = bb;
    } else {
      const ia = 255 - a;
      // +127 rounds the division to the nearest level.
      out[q] = ((rgba[p] * a + br * ia + 127) / 255) | 0;
      out[q + 1] = ((rgba[p + 1] * a + bg * ia + 127) / 255) | 0;
      out[q + 2] = ((rgba[p + 2] * a + bb * ia + 127) / 255) | 0;
    }
  }
  return out;
}
