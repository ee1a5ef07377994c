/**
 * TileCache on a real fs blob store: invalidation deletes a layer's tiles page by page (more than
 * one listing page) and nothing of another layer; a rendering that began before a change is not
 * stored after it; a failed rendering is not stored and the next request renders again.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import pino from 'pino';
import { openBlobStore } from '../../../core/storage/blobs/index.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import { TileCache } from '../../../plugins/wmts/tile-cache.js';
import { listKeys, tempDir } from './support.js';

describe('wmts TileCache on an fs blob store', function () {
  this.timeout(120_000);
  let tmp: ReturnType<typeof tempDir>;
  let blobs: BlobStore;
  let cache: TileCache;
  before(async () => {
    tmp = tempDir('store');
    blobs = await openBlobStore({ type: 'fs', root: path.join(tmp.dir, 'blobs') });
    cache = new TileCache(blobs, { enabled: true, prefix: 'wmts-cache' }, pino({ level: 'silent' }));
  });
  after(async () => {
    await blobs?.close?.();
    tmp?.remove();
  });

  const key = (layer: string, row: number, col: number) => cache.key({ layer, version: 'v1', style: 's', set: 'WebMercatorQuad', matrix: '12', row, col, extension: 'png' });

  it('invalidate deletes every tile of the layer across listing pages (1,200 tiles), and none of a layer whose name starts the same', async () => {
    const puts: Array<Promise<unknown>> = [];
    for (let n = 0; n < 1200; n++) puts.push(blobs.put(key('a', Math.floor(n / 40), n % 40), Buffer.from([n % 256])));
    puts.push(blobs.put(key('ab', 0, 0), Buffer.from('x')));
    await Promise.all(puts);
    assert.equal((await listKeys(blobs, 'wmts-cache/a/')).length, 1200);
    assert.equal(await cache.invalidate('a'), 1200);
    assert.deepEqual(await listKeys(blobs, 'wmts-cache/a/'), []);
    assert.deepEqual(await listKeys(blobs, 'wmts-cache/ab/'), [key('ab', 0, 0)]);
  });

  it('a rendering begun before the layer changed is returned but not stored', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const k = key('b', 1, 1);
    const pending = cache.getOrRender(k, 'b', 'image/png', async () => {
      await gate;
      return Buffer.from('old data');
    });
    await cache.invalidate('b');
    release();
    assert.equal((await pending).body.toString(), 'old data');
    assert.equal(await blobs.head(k), null);
  });

  it('a failed rendering reaches every waiter, is not stored, and the next request renders again', async () => {
    const k = key('c', 2, 2);
    let calls = 0;
    const failing = () => cache.getOrRender(k, 'c', 'image/png', async () => {
      calls++;
      throw new Error('engine down');
    });
    const results = await Promise.allSettled([failing(), failing()]);
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(calls, 1);
    assert.equal(await blobs.head(k), null);
    const ok = await cache.getOrRender(k, 'c', 'image/png', async () => Buffer.from('fine'));
    assert.deepEqual([ok.body.toString(), ok.cached], ['fine', false]);
    const again = await cache.getOrRender(k, 'c', 'image/png', async () => Buffer.from('not called'));
    assert.deepEqual([again.body.toString(), again.cached], ['fine', true]);
  });
});
