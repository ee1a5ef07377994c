/**
 * TIFF predictors, applied to one uncompressed block (tile or strip) before compression.
 * Horizontal differencing (Predictor 2, TIFF 6.0 section 14) for integer samples; the floating
 * point predictor (Predictor 3, Adobe TIFF Technote 3) for IEEE floats: each row's bytes are
 * split into planes, most significant byte first, then differenced bytewise.
 */
import type { SampleArray } from '../types.js';

export type PredictorName = 'none' | 'horizontal' | 'floatingpoint';

/** Differences each row in place: a[i] -= a[i - samplesPerPixel] (typed arrays wrap like the TIFF reader). */
export function horizontalDifference(block: SampleArray, rowSamples: number, samplesPerPixel: number): void {
  for (let row = 0; row < block.length; row += rowSamples) {
    for (let i = row + rowSamples - 1; i >= row + samplesPerPixel; i--) block[i] = block[i]! - block[i - samplesPerPixel]!;
  }
}

/** The Technote 3 byte planes and differences of a block of little-endian floats, as new bytes. */
export function floatingPointDifference(block: Float32Array | Float64Array, rowSamples: number, samplesPerPixel: number): Uint8Array {
  if (block instanceof Float32Array) return float32Difference(block, 0, rowSamples, block.length / rowSamples, rowSamples, samplesPerPixel);
  const bytesPerSample = block.BYTES_PER_ELEMENT;
  const source = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
  const out = new Uint8Array(block.byteLength);
  const rowBytes = rowSamples * bytesPerSample;
  for (let row = 0; row < out.length; row += rowBytes) {
    for (let s = 0; s < rowSamples; s++) {
      const from = row + s * bytesPerSample;
      // Little-endian: byte k of a sample goes to plane (bytesPerSample - 1 - k).
      for (let k = 0; k < bytesPerSample; k++) out[row + (bytesPerSample - 1 - k) * rowSamples + s] = source[from + k]!;
    }
    for (let i = row + rowBytes - 1; i >= row + samplesPerPixel; i--) out[i] = (out[i]! - out[i - samplesPerPixel]!) & 0xff;
  }
  return out;
}

/**
 * The same for float32 in one pass, a word at a time (the common case: WCPS and WCS float
 * output). Byte j of a row's planes minus byte j - samplesPerPixel, taken from the samples
 * themselves: within a plane that is the same byte of the sample samplesPerPixel before (a
 * difference of shifted words, as Uint8Array stores wrap modulo 256); for the first samples of
 * a plane, the previous plane's byte of the row's last samples. Rows are read from `source`
 * at `start`, `start + stride`, ... (a tile's rows inside a wider image, without cutting it out).
 */
export function float32Difference(source: Float32Array, start: number, stride: number, rows: number, rowSamples: number, samplesPerPixel: number, into?: Uint8Array): Uint8Array {
  const words = new Uint32Array(source.buffer, source.byteOffset, source.length);
  const rowBytes = rowSamples * 4;
  // `into`: a scratch buffer to write the bytes to (every byte is written), when the caller consumes them at once.
  const out = into && into.length >= rows * rowBytes ? into.subarray(0, rows * rowBytes) : new Uint8Array(rows * rowBytes);
  const spp = Math.min(samplesPerPixel, rowSamples);
  for (let row = 0, first = start; row < out.length; row += rowBytes, first += stride) {
    const p1 = row + rowSamples;
    const p2 = p1 + rowSamples;
    const p3 = p2 + rowSamples;
    for (let s = 0; s < spp; s++) {
      const w = words[first + s]!;
      const last = words[first + rowSamples - spp + s]!;
      out[row + s] = w >>> 24;
      out[p1 + s] = (w >>> 16) - (last >>> 24);
      out[p2 + s] = (w >>> 8) - (last >>> 16);
      out[p3 + s] = w - (last >>> 8);
    }
    for (let s = spp; s < rowSamples; s++) {
      const w = words[first + s]!;
      const q = words[first + s - spp]!;
      out[row + s] = (w >>> 24) - (q >>> 24);
      out[p1 + s] = (w >>> 16) - (q >>> 16);
      out[p2 + s] = (w >>> 8) - (q >>> 8);
      out[p3 + s] = w - q;
    }
  }
  return out;
}
