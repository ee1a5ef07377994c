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
