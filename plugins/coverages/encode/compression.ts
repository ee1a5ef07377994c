/** Compresses one block's bytes (after the predictor) with a TIFF compression scheme. */
import { deflate, deflateSync } from 'node:zlib';
import { lzwEncode } from './lzw.js';
import { packBitsEncode } from './packbits.js';

export type CompressionName = 'none' | 'deflate' | 'lzw' | 'packbits';

export interface CompressionSettings {
  method: CompressionName;
  /** zlib level 1-9 for deflate. */
  level: number;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** `rowBytes`: the uncompressed length of one row of the block (PackBits never crosses rows). */
export function compressBlock(bytes: Uint8Array, rowBytes: number, settings: CompressionSettings): Buffer {
  switch (settings.method) {
    case 'none': return asBuffer(bytes);
    case 'deflate': return deflateSync(bytes, { level: settings.level });
    case 'lzw': return asBuffer(lzwEncode(bytes));
    case 'packbits': return asBuffer(packBitsEncode(bytes, rowBytes));
  }
}

/** As compressBlock, with deflate on libuv's thread pool so several blocks compress at once. */
export function compressBlockAsync(bytes: Uint8Array, rowBytes: number, settings: CompressionSettings): Promise<Buffer> {
  if (settings.method !== 'deflate') return Promise.resolve(compressBlock(bytes, rowBytes, settings));
  return new Promise((resolve, reject) => {
    // Output in one chunk of the block's size rather than zlib's 16 KiB ones: one callback per block, not dozens.
    deflate(bytes, { level: settings.level, chunkSize: Math.max(16 * 1024, bytes.length + 1024) }, (err, out) => (err ? reject(err) : resolve(out)));
  });
}
