/**
 * The tile served where a layer has no data: WMTS clients expect an image for every tile they
 * ask for, so it is a transparent PNG/WebP (white JPEG) of the right size, encoded once per
 * format and size and kept in memory.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { TileFormatInfo } from './formats.js';

export interface EmptyTile {
  body: Buffer;
  etag: string;
}

const encoded = new Map<string, Promise<EmptyTile>>();

async function encode(format: TileFormatInfo, width: number, height: number, quality: number): Promise<EmptyTile> {
  const background = format.alpha ? { r: 0, g: 0, b: 0, alpha: 0 } : { r: 255, g: 255, b: 255, alpha: 1 };
  const image = sharp({ create: { width, height, channels: format.alpha ? 4 : 3, background } });
  const body =
    format.engine === 'png'
      ? await image.png({ compressionLevel: 9, palette: true }).toBuffer()
      : format.engine === 'jpeg'
        ? await image.jpeg({ quality }).toBuffer()
        : await image.webp({ quality, alphaQuality: 100 }).toBuffer();
  return { body, etag: `"empty-${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

export function emptyTile(format: TileFormatInfo, width: number, height: number, quality: number): Promise<EmptyTile> {
  const key = `${format.mime}:${width}x${height}:${quality}`;
  let tile = encoded.get(key);
  if (!tile) {
    tile = encode(format, width, height, quality);
    // A failed encoding is not remembered.
    tile.catch(() => encoded.delete(key));
    encoded.set(key, tile);
  }
  return tile;
}
