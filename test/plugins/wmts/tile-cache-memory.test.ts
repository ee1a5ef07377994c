/**
 * The memory tier of TileCache, on a real fs blob store: a rendered or blob-read tile is served
 * from memory afterwards (the blob store is not read again), a layer's invalidation empties its
 * entries and no other layer's, a rendering begun before a change is not kept, and the byte cap
 * evicts the least recently used tiles.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import pino from 'pino';
import { openBlobStore } from '../../../core/storage/blobs/index.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import { TileCache } from '../../../plugins/wmts/tile-cache.js';
import { tempDir } from './support.js';

describe('wmts TileCache memory tier', function () {
  this.timeout(60_000);
  let tmp: ReturnType<typeof tempDir>;
  let blobs: BlobStore;
  before(async () => {
    tmp = tempDir('memory');
    blobs = await openBlobStore({ type: 'fs', root: path.join(tmp.dir, 'blobs') });
  });
  after(async () => {
    await blobs?.close?.();
    tmp?.remove();
  });

  const silent = pino({ level: 'silent' });
  const keyOf = (cache: TileCache, layer: string, row: number) => cache.key({ layer, version: 'v1', style: 's', set: 'WebMercatorQuad', matrix: '5', row, col: 0, extension: 'png' });
  const never = async (): Promise<Buffer> => {
    throw new Error('rendered although the tile is cached');
  };

  it('serves a rendered tile from memory next time, even once the blob store no longer holds it', async () => {
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm1', memoryMB: 1 }, silent);
    const k = keyOf(cache, 'a', 1);
    const first = await cache.getOrRender(k, 'a', 'image/png', async () => Buffer.from('drawn'));
    assert.equal(first.cached, false);
    await blobs.delete(k);
    const second = await cache.getOrRender(k, 'a', 'image/png', never);
    assert.deepEqual([second.cached, second.body.toString()], [true, 'drawn']);
  });

  it('keeps a tile read from the blob store, so later requests do not read the store', async () => {
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm2', memoryMB: 1 }, silent);
    const k = keyOf(cache, 'a', 2);
    await blobs.put(k, Buffer.from('stored'), { contentType: 'image/png' });
    assert.equal((await cache.getOrRender(k, 'a', 'image/png', never)).body.toString(), 'stored');
    await blobs.put(k, Buffer.from('replaced in the store'), { contentType: 'image/png' });
    assert.equal((await cache.getOrRender(k, 'a', 'image/png', never)).body.toString(), 'stored');
  });

  it("invalidate empties the layer's entries and keeps another layer's (whose name starts the same)", async () => {
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm3', memoryMB: 1 }, silent);
    const ka = keyOf(cache, 'a', 3);
    const kab = keyOf(cache, 'ab', 3);
    await cache.getOrRender(ka, 'a', 'image/png', async () => Buffer.from('a old'));
    await cache.getOrRender(kab, 'ab', 'image/png', async () => Buffer.from('ab'));
    await cache.invalidate('a');
    assert.equal((await cache.getOrRender(ka, 'a', 'image/png', async () => Buffer.from('a new'))).body.toString(), 'a new');
    await blobs.delete(kab);
    assert.equal((await cache.getOrRender(kab, 'ab', 'image/png', never)).body.toString(), 'ab');
  });

  it('does not keep a rendering begun before the layer changed', async () => {
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm4', memoryMB: 1 }, silent);
    const k = keyOf(cache, 'b', 4);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pending = cache.getOrRender(k, 'b', 'image/png', async () => {
      await gate;
      return Buffer.from('old data');
    });
    await cache.invalidate('b');
    release();
    assert.equal((await pending).body.toString(), 'old data');
    assert.equal((await cache.getOrRender(k, 'b', 'image/png', async () => Buffer.from('new data'))).body.toString(), 'new data');
  });

  it('stays within its byte cap: the least recently used tiles leave memory first', async () => {
    // 0.25 MB holds two 100 KB tiles, not three.
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm5', memoryMB: 0.25 }, silent);
    const tile = (fill: number) => Buffer.alloc(100_000, fill);
    const [k1, k2, k3] = [1, 2, 3].map((row) => keyOf(cache, 'c', row)) as [string, string, string];
    await cache.getOrRender(k1, 'c', 'image/png', async () => tile(1));
    await cache.getOrRender(k2, 'c', 'image/png', async () => tile(2));
    await cache.getOrRender(k1, 'c', 'image/png', never); // k1 is now the most recently used
    await cache.getOrRender(k3, 'c', 'image/png', async () => tile(3));
    for (const k of [k1, k2, k3]) await blobs.delete(k);
    assert.equal((await cache.getOrRender(k1, 'c', 'image/png', never)).body[0], 1);
    assert.equal((await cache.getOrRender(k3, 'c', 'image/png', never)).body[0], 3);
    assert.equal((await cache.getOrRender(k2, 'c', 'image/png', async () => tile(9))).body[0], 9);
  });

  it('with memoryMB 0 every request goes to the blob store', async () => {
    const cache = new TileCache(blobs, { enabled: true, prefix: 'm6', memoryMB: 0 }, silent);
    const k = keyOf(cache, 'd', 1);
    await cache.getOrRender(k, 'd', 'image/png', async () => Buffer.from('first'));
    await blobs.put(k, Buffer.from('changed in the store'), { contentType: 'image/png' });
    assert.equal((await cache.getOrRender(k, 'd', 'image/png', never)).body.toString(), 'changed in the store');
  });
});
