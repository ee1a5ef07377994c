/** Compresses one block's bytes (after the predictor) with a TIFF compression scheme. */
import { constants, deflate, deflateSync } from 'node:zlib';
import { lzwEncode } from './lzw.js';
import { packBitsEncode } from './packbits.js';

export type CompressionName = 'none' | 'deflate' | 'lzw' | 'packbits';

/**
 * zlib's matching strategy for deflate: 'default' (LZ77 at the level), 'rle' (runs only:
 * matches at distance 1, no hash table), 'huffman' (no matches), or 'runs' (run-length for a
 * block with runs, Huffman only for one without). After a predictor, image blocks are mostly
 * small differences with few repeats longer than a run: on imagery run-length finds almost
 * nothing Huffman alone does not code as well, for ~30% more CPU, while flat areas (nodata,
 * classes) are runs that Huffman alone codes at a bit a byte at best.
 */
export type DeflateStrategy = 'default' | 'rle' | 'huffman' | 'runs';

export const DEFLATE_STRATEGIES: readonly DeflateStrategy[] = ['default', 'rle', 'huffman', 'runs'];

const ZLIB_STRATEGY: Record<Exclude<DeflateStrategy, 'runs'>, number> = {
  default: constants.Z_DEFAULT_STRATEGY,
  rle: constants.Z_RLE,
  huffman: constants.Z_HUFFMAN_ONLY,
};

/** Every RUN_SAMPLE-th byte is compared with the one before it. */
const RUN_SAMPLE = 8;
/**
 * At least this share of sampled bytes equal to their predecessor makes a block one of runs.
 * Measured on predicted 256x256 RGB tiles: imagery 0.28 (run-length 426 KiB, Huffman 427 KiB
 * per 512x512, Huffman 30% less CPU); quantised classes 0.9 (34 against 102 KiB); a nodata half
 * 1.0 (tiles of it 5x smaller with run-length).
 */
const RUN_SHARE = 0.5;

/** 'runs' decided for one block's bytes: 'rle' when they hold runs, else 'huffman'. */
export function runsStrategy(bytes: Uint8Array): 'rle' | 'huffman' {
  let equal = 0;
  let sampled = 0;
  for (let i = RUN_SAMPLE; i < bytes.length; i += RUN_SAMPLE, sampled++) if (bytes[i] === bytes[i - 1]) equal++;
  return sampled === 0 || equal >= RUN_SHARE * sampled ? 'rle' : 'huffman';
}

export interface CompressionSettings {
  method: CompressionName;
  /** zlib level 1-9 for deflate. */
  level: number;
  /** Deflate's strategy; default 'default'. */
  strategy?: DeflateStrategy;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * zlib settings for one block: the level asked for, with memLevel 9 (a larger hash table: fewer
 * collisions, faster at the low levels) and a window of four rows of the block at least (4 KiB
 * to 32 KiB): predicted rows are matched against the rows just above, and a smaller window
 * fits in the CPU cache. Measured on a float32 NDVI with the floating-point predictor in
 * 256x256 tiles at level 1: 35-40% less CPU than zlib's defaults (memLevel 8, 32 KiB), the
 * same size. Output is one chunk of the block's size. Any inflater reads it (the window is in
 * the zlib header).
 */
export function deflateOptions(bytes: Uint8Array, rowBytes: number, level: number, strategy: DeflateStrategy = 'default'): { level: number; memLevel: number; windowBits: number; chunkSize: number; strategy: number } {
  const windowBits = Math.min(15, Math.max(12, Math.ceil(Math.log2(Math.max(1, 4 * rowBytes)))));
  const chosen = strategy === 'runs' ? runsStrategy(bytes) : strategy;
  return { level, memLevel: 9, windowBits, chunkSize: Math.max(16 * 1024, bytes.length + 1024), strategy: ZLIB_STRATEGY[chosen] };
}

/** `rowBytes`: the uncompressed length of one row of the block (PackBits never crosses rows). */
export function compressBlock(bytes: Uint8Array, rowBytes: number, settings: CompressionSettings): Buffer {
  switch (settings.method) {
    case 'none': return asBuffer(bytes);
    case 'deflate': return deflateSync(bytes, deflateOptions(bytes, rowBytes, settings.level, settings.strategy));
    case 'lzw': return asBuffer(lzwEncode(bytes));
    case 'packbits': return asBuffer(packBitsEncode(bytes, rowBytes));
  }
}

/** As compressBlock, with deflate on libuv's thread pool so several blocks compress at once. */
export function compressBlockAsync(bytes: Uint8Array, rowBytes: number, settings: CompressionSettings): Promise<Buffer> {
  if (settings.method !== 'deflate') return Promise.resolve(compressBlock(bytes, rowBytes, settings));
  return new Promise((resolve, reject) => {
    // Output in one chunk of the block's size rather than zlib's 16 KiB ones: one callback per block, not dozens.
    deflate(bytes, deflateOptions(bytes, rowBytes, settings.level, settings.strategy), (err, out) => (err ? reject(err) : resolve(out)));
  });
}
