/**
 * Rendered tiles in the blob store, under
 *   <prefix>/<layer>/<version>/<style>/<set>[/<time>]/<matrix>/<row>/<col>.<ext>
 * The coverage's version is part of the key, so a tile drawn from older data is never found
 * again once the data change; `invalidate` also deletes a layer's tiles when the engine says it
 * changed. Concurrent requests for one missing tile wait for one rendering. The cache never
 * decides who may read a tile: callers check access to the layer before asking it.
 *
 * In front of the blob store, a memory LRU of encoded tiles (capped in bytes, same keys), each
 * with its ETag computed when kept: a blob read costs open, stat, sidecar read, chunked stream
 * and close (~550 µs CPU per tile measured), a memory hit nearly nothing (`inMemory`, no promise).
 * It is filled on render and on blob hits and emptied for a layer on invalidate; since keys hold
 * the data version, a stale entry is never looked up anyway.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { BlobStore } from '../../core/storage/blobs/types.js';

export interface TileKeyParts {
  layer: string;
  version: string;
  style: string;
  set: string;
  time?: string;
  matrix: string;
  row: number;
  col: number;
  extension: string;
}

export interface CachedTile {
  body: Buffer;
  /** Whether it came from the blob store (rather than being rendered for this request). */
  cached: boolean;
}

/** A tile held in memory with its ETag, computed once when it was kept. */
export interface MemoryTile {
  body: Buffer;
  etag: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A key segment for any text: itself when plainly safe, else a prefixed base64url of it (never '.', '..' or too long). */
export function keySegment(value: string): string {
  if (SAFE_SEGMENT.test(value) && value.length <= 120) return value;
  const encoded = Buffer.from(value, 'utf8').toString('base64url');
  return encoded.length <= 120 ? `~${encoded}` : `~h${createHash('sha256').update(value).digest('base64url')}`;
}

export class TileCache {
  /** Renderings under way, by key: a second request for the same tile waits for the first. */
  private readonly pending = new Map<string, Promise<CachedTile>>();
  /** Bumped on each change of a layer: a rendering begun before it is not stored after it. */
  private readonly generations = new Map<string, number>();
  /** Encoded tiles by key with their ETags, at most options.memoryMB; undefined when 0 or the cache is off. */
  private readonly memory: LRUCache<string, MemoryTile> | undefined;

  constructor(
    private readonly blobs: BlobStore,
    private readonly options: { enabled: boolean; prefix: string; memoryMB?: number },
    private readonly logger: Logger,
  ) {
    const maxSize = Math.floor((options.memoryMB ?? 64) * 1024 * 1024);
    this.memory =
      options.enabled && maxSize > 0
        ? new LRUCache<string, MemoryTile>({
            maxSize,
            // A tile bigger than the whole budget is simply not kept.
            maxEntrySize: maxSize,
            sizeCalculation: (tile, key) => tile.body.length + key.length * 2 + 128,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  layerPrefix(layer: string): string {
    return `${this.options.prefix}/${keySegment(layer)}/`;
  }

  key(p: TileKeyParts): string {
    const time = p.time === undefined ? '' : `${keySegment(p.time)}/`;
    return `${this.layerPrefix(p.layer)}${keySegment(p.version)}/${keySegment(p.style)}/${keySegment(p.set)}/${time}${keySegment(p.matrix)}/${p.row}/${p.col}.${p.extension}`;
  }

  /** A strong validator for the tile a key names: the key holds the data version, so equal keys mean equal tiles. */
  etag(key: string): string {
    const known = this.memory?.get(key);
    if (known !== undefined) return known.etag;
    return `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
  }

  /** The tile and its ETag when memory holds it (a hit costs no promise and no hashing), else undefined. */
  inMemory(key: string): MemoryTile | undefined {
    return this.memory?.get(key);
  }

  /** Keeps a tile in memory unless the layer changed since `generation` was taken. */
  private remember(key: string, layer: string, generation: number, body: Buffer): void {
    if (this.memory && (this.generations.get(layer) ?? 0) === generation) this.memory.set(key, { body, etag: this.etag(key) });
  }

  /** Whether the tile is stored (for seeding: skip what is there). */
  async has(key: string): Promise<boolean> {
    if (!this.options.enabled) return false;
    return (await this.blobs.head(key)) !== null;
  }

  private async read(key: string): Promise<Buffer | undefined> {
    try {
      const object = await this.blobs.get(key);
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    } catch (err) {
      if ((err as { code?: string }).code === 'BlobNotFound') return undefined;
      // A store that cannot be read is no reason to fail the tile: render it instead.
      this.logger.warn({ err, key }, 'wmts: tile cache read failed');
      return undefined;
    }
  }

  /**
   * The stored tile, or `render()`'s result, stored before it is returned (so the next request
   * finds it). One rendering per key at a time.
   */
  async getOrRender(key: string, layer: string, contentType: string, render: () => Promise<Buffer>): Promise<CachedTile> {
    const inMemory = this.memory?.get(key);
    if (inMemory) return { body: inMemory.body, cached: true };
    const running = this.pending.get(key);
    if (running) return running;
    // Taken before anything is awaited: a change at any point after this must keep the result out.
    const generation = this.generations.get(layer) ?? 0;
    const work = (async (): Promise<CachedTile> => {
      if (this.options.enabled) {
        const stored = await this.read(key);
        if (stored) {
          this.remember(key, layer, generation, stored);
          return { body: stored, cached: true };
        }
      }
      const body = await render();
      this.remember(key, layer, generation, body);
      if (this.options.enabled && (this.generations.get(layer) ?? 0) === generation) {
        try {
          await this.blobs.put(key, body, { contentType, size: body.length });
          // A change whose clean-up listed the prefix while this write was under way missed it.
          if ((this.generations.get(layer) ?? 0) !== generation) await this.blobs.delete(key);
        } catch (err) {
          this.logger.warn({ err, key }, 'wmts: tile cache write failed');
        }
      }
      return { body, cached: false };
    })();
    this.pending.set(key, work);
    try {
      return await work;
    } finally {
      this.pending.delete(key);
    }
  }

  /** Deletes every stored tile of a layer (all versions); returns how many. */
  async invalidate(layer: string): Promise<number> {
    this.generations.set(layer, (this.generations.get(layer) ?? 0) + 1);
    if (!this.options.enabled) return 0;
    const prefix = this.layerPrefix(layer);
    if (this.memory) {
      for (const key of [...this.memory.keys()]) if (key.startsWith(prefix)) this.memory.delete(key);
    }
    // Page by page, so a layer with millions of tiles is never listed into memory at once; the
    // cursor continues after the last key listed, which deleting it does not move.
    let deleted = 0;
    let cursor: string | undefined;
    do {
      const page = await this.blobs.list(prefix, { cursor });
      for (const item of page.items) {
        if (await this.blobs.delete(item.key)) deleted++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    return deleted;
  }
}
