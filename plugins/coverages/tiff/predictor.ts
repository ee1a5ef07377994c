/**
 * Undoing TIFF predictors on a decompressed block, in place, row by row (TIFF 6.0 section 14 and
 * Adobe's Technical Note 3 for the floating-point predictor), plus the byte swap big-endian files
 * need. The host is little-endian (checked in block-decoder.ts).
 */

/** Reverses each sample's bytes: big-endian file to little-endian host. */
export function swapBytes(bytes: Uint8Array, bytesPerSample: number): void {
  const n = bytes.length - (bytes.length % bytesPerSample);
  if (bytesPerSample === 2) {
    for (let i = 0; i < n; i += 2) {
      const a = bytes[i]!;
      bytes[i] = bytes[i + 1]!;
      bytes[i + 1] = a;
    }
  } else if (bytesPerSample === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = bytes[i]!;
      const b = bytes[i + 1]!;
      bytes[i] = bytes[i + 3]!;
      bytes[i + 1] = bytes[i + 2]!;
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  } else if (bytesPerSample === 8) {
    for (let i = 0; i < n; i += 8) {
      for (let j = 0; j < 4; j++) {
        const a = bytes[i + j]!;
        bytes[i + j] = bytes[i + 7 - j]!;
        bytes[i + 7 - j] = a;
      }
    }
  }
}

/**
 * Predictor 2: each sample was stored as the difference from the sample `stride` before it in the
 * row (stride = samples per pixel, so each band accumulates on its own). Sums wrap at the sample
 * width, which unsigned arrays of that width do for free; signed samples give the same bits.
 */
export function undoHorizontalPredictor(bytes: Uint8Array, bytesPerSample: number, rowSamples: number, rows: number, stride: number): void {
  const { buffer, byteOffset } = bytes;
  const samples = Math.min(rows * rowSamples, Math.floor(bytes.length / bytesPerSample));
  const fullRows = Math.floor(samples / rowSamples);
  switch (bytesPerSample) {
    case 1:
      accumulate(bytes, rowSamples, fullRows, stride);
      break;
    case 2:
      accumulate(new Uint16Array(buffer, byteOffset, samples), rowSamples, fullRows, stride);
      break;
    case 4:
      accumulate(new Uint32Array(buffer, byteOffset, samples), rowSamples, fullRows, stride);
      break;
    case 8: {
      const a = new BigUint64Array(buffer, byteOffset, samples);
      for (let r = 0; r < fullRows; r++) {
        const end = (r + 1) * rowSamples;
        for (let i = r * rowSamples + stride; i < end; i++) a[i] = BigInt.asUintN(64, a[i]! + a[i - stride]!);
      }
      break;
    }
    default:
      throw new RangeError(`horizontal predictor on ${bytesPerSample}-byte samples`);
  }
}

function accumulate(a: Uint8Array | Uint16Array | Uint32Array, rowSamples: number, rows: number, stride: number): void {
  if (stride === 1) {
    for (let r = 0; r < rows; r++) {
      const start = r * rowSamples;
      const end = start + rowSamples;
      let previous = a[start]!;
      for (let i = start + 1; i < end; i++) {
        a[i] = a[i]! + previous;
        previous = a[i]!; // the stored, wrapped sum
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const end = (r + 1) * rowSamples;
    for (let i = r * rowSamples + stride; i < end; i++) a[i] = a[i]! + a[i - stride]!;
  }
}

/**
 * Predictor 3: each row holds the samples' bytes split into planes (most significant byte plane
 * first), then byte-differenced with a step of `stride` bytes. Undone into host (little-endian)
 * order, whatever the file's byte order, as libtiff does.
 */
export function undoFloatingPointPredictor(bytes: Uint8Array, bytesPerSample: number, rowSamples: number, rows: number, stride: number): void {
  const rowBytes = rowSamples * bytesPerSample;
  const fullRows = Math.min(rows, Math.floor(bytes.length / rowBytes));
  const shuffled = new Uint8Array(rowBytes);
  for (let r = 0; r < fullRows; r++) {
    const start = r * rowBytes;
    const end = start + rowBytes;
    for (let i = start + stride; i < end; i++) bytes[i] = bytes[i]! + bytes[i - stride]!;
    shuffled.set(bytes.subarray(start, end));
    if (bytesPerSample === 4) {
      const p1 = rowSamples;
      const p2 = 2 * rowSamples;
      const p3 = 3 * rowSamples;
      for (let s = 0, o = start; s < rowSamples; s++, o += 4) {
        bytes[o] = shuffled[p3 + s]!;
        bytes[o + 1] = shuffled[p2 + s]!;
        bytes[o + 2] = shuffled[p1 + s]!;
        bytes[o + 3] = shuffled[s]!;
      }
    } else {
      for (let s = 0, o = start; s < rowSamples; s++, o += bytesPerSample) {
        for (let b = 0; b < bytesPerSample; b++) bytes[o + b] = shuffled[(bytesPerSample - b - 1) * rowSamples + s]!;
      }
    }
  }
}
