/**
 * What geotiff parses IFDs and tag arrays from while a file is opened: byte ranges served from
 * blocks read through the RangeReader, first HEADER_BYTES from offset 0 (where a COG keeps all of
 * its IFDs and tile indexes), then a block more for each miss. Dropped once the file is open.
 */
import type { GeoTIFF } from 'geotiff';
import { HEADER_BYTES, type RangeReader } from './range-reader.js';

type GeotiffSource = Parameters<typeof GeoTIFF.fromSource>[0];

interface Region {
  offset: number;
  bytes: Uint8Array;
}

export class HeaderSource implements Pick<GeotiffSource, 'fetch' | 'fileSize' | 'close'> {
  private readonly regions: Region[] = [];

  constructor(private readonly reader: RangeReader, private readonly size: number) {}

  get fileSize(): number {
    return this.size;
  }

  async fetch(slices: Array<{ offset: number; length: number }>): Promise<ArrayBuffer[]> {
    const out: ArrayBuffer[] = [];
    for (const slice of slices) out.push(await this.slice(slice.offset, slice.length));
    return out;
  }

  async close(): Promise<void> {
    this.regions.length = 0;
  }

  private async slice(offset: number, length: number): Promise<ArrayBuffer> {
    // geotiff asks for fixed-size guesses (1024 bytes for an IFD) that may pass the end of the file.
    const end = Math.min(offset + length, this.size);
    if (end <= offset) return new ArrayBuffer(0);
    let region = this.regions.find((r) => r.offset <= offset && r.offset + r.bytes.length >= end);
    if (!region) {
      const want = Math.max(end - offset, HEADER_BYTES);
      const bytes = await this.reader.read(offset, want);
      region = { offset, bytes };
      this.regions.push(region);
    }
    // A fresh ArrayBuffer of exactly the slice: geotiff builds DataViews on it from 0. (Not
    // Buffer#slice, which is a view.)
    return copyOf(region.bytes.subarray(offset - region.offset, end - region.offset));
  }
}

/** The bytes in an ArrayBuffer of their own. */
export function copyOf(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
