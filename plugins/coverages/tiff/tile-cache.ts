/**
 * Decoded TIFF blocks (tiles or strips), least recently used out first, bounded by their bytes.
 * One per process (per worker thread), shared by every source it opens.
 */
import { LRUCache } from 'lru-cache';
import type { SampleArray } from '../types.js';

/** A block decoded to one array per band it holds (chunky blocks are de-interleaved on decode). */
export interface DecodedBlock {
  /** Row-major, `blockWidth` samples a row, `rows` rows; one per band (chunky) or one (planar). */
  planes: SampleArray[];
  rows: number;
  /** Bytes the planes hold. */
  bytes: number;
}

export interface TileCacheOptions {
  /** Upper bound of the decoded bytes kept. A block larger than this is decoded but not kept. */
  maxBytes: number;
}

export class TileCache {
  readonly maxBytes: number;
  private readonly lru: LRUCache<string, DecodedBlock>;
  /** Blocks being read and decoded now, so that concurrent reads (from any source) wait for them instead of decoding them again. */
  private readonly underWay = new Map<string, Promise<DecodedBlock>>();

  constructor(options: TileCacheOptions) {
    if (!(options.maxBytes >= 1)) throw new RangeError(`TileCache maxBytes must be at least 1, got ${options.maxBytes}`);
    this.maxBytes = Math.floor(options.maxBytes);
    this.lru = new LRUCache<string, DecodedBlock>({
      maxSize: this.maxBytes,
      sizeCalculation: (block) => Math.max(1, block.bytes),
    });
  }

  /** The block if decoded, or the promise of it while another read decodes it. */
  get(key: string): DecodedBlock | Promise<DecodedBlock> | undefined {
    return this.lru.get(key) ?? this.underWay.get(key);
  }

  /** Marks a block as being decoded; settles it when `promise` does (kept when it succeeds). */
  pending(key: string, promise: Promise<DecodedBlock>): void {
    this.underWay.set(key, promise);
    promise.then(
      (block) => {
        this.underWay.delete(key);
        this.set(key, block);
      },
      () => this.underWay.delete(key),
    );
  }

  set(key: string, block: DecodedBlock): void {
    if (block.bytes > this.maxBytes) return;
    this.lru.set(key, block);
  }

  /** Decoded bytes held now; never above maxBytes. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get blocks(): number {
    return this.lru.size;
  }

  clear(): void {
    this.lru.clear();
  }
}
