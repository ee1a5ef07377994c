/** Helpers of the rendering tests: synthetic rasters and decoding what was encoded. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { Raster, SampleArray, SampleType } from '../../../../plugins/coverages/types.js';

export const PYTHON = '/usr/bin/python3';
export const run = promisify(execFile);

export function raster(sampleType: SampleType, width: number, height: number, bands: SampleArray[], mask?: Uint8Array, nodata?: number): Raster {
  return { width, height, sampleType, bands, ...(mask ? { mask } : {}), ...(nodata !== undefined ? { nodata } : {}) };
}

/** A one-row float32 raster of the given values. */
export function row(values: number[], sampleType: SampleType = 'float32'): Raster {
  const arrays: Record<string, (v: number[]) => SampleArray> = {
    float32: (v) => Float32Array.from(v),
    float64: (v) => Float64Array.from(v),
    uint8: (v) => Uint8Array.from(v),
    int8: (v) => Int8Array.from(v),
    uint16: (v) => Uint16Array.from(v),
    int16: (v) => Int16Array.from(v),
  };
  return raster(sampleType, values.length, 1, [arrays[sampleType](values)]);
}

export interface Decoded {
  width: number;
  height: number;
  channels: number;
  format: string;
  /** The pixel's channel values (3 or 4). */
  pixel(x: number, y: number): number[];
}

export async function decode(image: Buffer): Promise<Decoded> {
  const meta = await sharp(image).metadata();
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    format: meta.format ?? '',
    pixel: (x, y) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)),
  };
}

/** The RGBA of pixel i of rendered output. */
export function rgbaAt(rgba: Uint8ClampedArray, i: number): number[] {
  return Array.from(rgba.subarray(i * 4, i * 4 + 4));
}

export function hex(color: string, alpha = 255): number[] {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)).concat(alpha);
}

/** Asserts each channel within `tolerance` of the expected one. */
export function assertNear(actual: number[], expected: number[], tolerance: number, what: string): void {
  const ok = actual.length === expected.length && actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
  if (!ok) throw new Error(`${what}: got [${actual.join(', ')}], expected [${expected.join(', ')}] within ${tolerance}`);
}
