/**
 * Chunky (pixel-interleaved) blocks into one array per band, in a single pass over the block;
 * with predictor 2, the horizontal sums are done in the same pass (each band keeps its running
 * sum in a local), so a decoded tile is walked once instead of twice.
 */
import type { SampleArray } from '../types.js';

/** planes[b][i] = src[i * bands + b]. */
export function deinterleave(src: SampleArray, planes: SampleArray[], samples: number, bands: number): void {
  if (bands === 3) {
    const [p0, p1, p2] = planes as [SampleArray, SampleArray, SampleArray];
    for (let i = 0, j = 0; i < samples; i++, j += 3) {
      p0[i] = src[j]!;
      p1[i] = src[j + 1]!;
      p2[i] = src[j + 2]!;
    }
    return;
  }
  if (bands === 4) {
    const [p0, p1, p2, p3] = planes as [SampleArray, SampleArray, SampleArray, SampleArray];
    for (let i = 0, j = 0; i < samples; i++, j += 4) {
      p0[i] = src[j]!;
      p1[i] = src[j + 1]!;
      p2[i] = src[j + 2]!;
      p3[i] = src[j + 3]!;
    }
    return;
  }
  if (bands === 2) {
    const [p0, p1] = planes as [SampleArray, SampleArray];
    for (let i = 0, j = 0; i < samples; i++, j += 2) {
      p0[i] = src[j]!;
      p1[i] = src[j + 1]!;
    }
    return;
  }
  for (let b = 0; b < bands; b++) {
    const plane = planes[b]!;
    for (let i = 0, j = b; i < samples; i++, j += bands) plane[i] = src[j]!;
  }
}

/**
 * De-interleaves integer samples stored as horizontal differences (predictor 2). `src` is an
 * unsigned view of the sample width (`bits` 8, 16 or 32); sums wrap at that width and are
 * stored into the planes, whose own type (signed or not) gives the same bits.
 */
export function deinterleaveAccumulating(
  src: Uint8Array | Uint16Array | Uint32Array, planes: SampleArray[], width: number, rows: number, bands: number, bits: 8 | 16 | 32,
): void {
  const wrap = bits === 32 ? 0 : 2 ** bits - 1;
  if (bands === 3 && bits !== 32) {
    const [p0, p1, p2] = planes as [SampleArray, SampleArray, SampleArray];
    for (let r = 0, i = 0, j = 0; r < rows; r++) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      for (let c = 0; c < width; c++, i++, j += 3) {
        a0 = (a0 + src[j]!) & wrap;
        a1 = (a1 + src[j + 1]!) & wrap;
        a2 = (a2 + src[j + 2]!) & wrap;
        p0[i] = a0;
        p1[i] = a1;
        p2[i] = a2;
      }
    }
    return;
  }
  const sums = new Float64Array(bands);
  for (let r = 0, i = 0, j = 0; r < rows; r++) {
    sums.fill(0);
    for (let c = 0; c < width; c++, i++) {
      for (let b = 0; b < bands; b++, j++) {
        const sum = bits === 32 ? (sums[b]! + src[j]!) >>> 0 : (sums[b]! + src[j]!) & wrap;
        sums[b] = sum;
        planes[b]![i] = sum;
      }
    }
  }
}
