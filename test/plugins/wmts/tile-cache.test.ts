/**
 * The tile cache in the blob store: a tile is stored once rendered and served from the store
 * afterwards, under a key holding the coverage's version; ETag and 304; concurrent requests for
 * one missing tile render it once; when the source file is rewritten and the engine reports the
 * change, the layer's stored tiles are deleted and the new data are drawn. The memory tier is
 * off here (memoryMB 0) so every response shows what the blob store holds; tile-cache-memory tests it.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { keySegment } from '../../../plugins/wmts/tile-cache.js';
import { decodeImage, eventually, get, listKeys, makeRgbFixture, SQUARE, startWmts, tempDir, webMercatorPixel, type WmtsHarness } from './support.js';

describe('wmts tile cache', function () {
  this.timeout(60_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  let source: string;
  before(async () => {
    tmp = tempDir('cache');
    source = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    const other = makeRgbFixture(path.join(tmp.dir, 'other.tif'));
    h = await startWmts({ coverages: [{ id: 'rgb', title: 'RGB fixture', path: source }, { id: 'other', title: 'Other', path: other }], wmts: { cache: { maxAge: 600, memoryMB: 0 } } });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const p = webMercatorPixel(8, 10.5, 45.5);
  const tileUrl = (layer = 'rgb', z = 8, row = p.row, col = p.col) => `${h.url}/1.0.0/${layer}/rgb/WebMercatorQuad/${z}/${row}/${col}.png`;
  // The version as a key segment (itself when it is a plain name, as the engine's are).
  const version = async (id = 'rgb') => keySegment((await h.coverages.get(id, ANONYMOUS))!.version);

  it('stores a rendered tile under wmts-cache/<layer>/<version>/<style>/<set>/<z>/<row>/<col>.png and serves the stored bytes next time', async () => {
    const first = await get(tileUrl());
    assert.equal(first.status, 200);
    const key = `wmts-cache/rgb/${await version()}/rgb/WebMercatorQuad/8/${p.row}/${p.col}.png`;
    assert.deepEqual(await listKeys(h.blobs, 'wmts-cache/rgb/'), [key]);
    // Replace the stored tile with a marker image: the next response must be the marker.
    const marker = await sharp({ create: { width: 256, height: 256, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 1 } } }).png().toBuffer();
    await h.blobs.put(key, marker, { contentType: 'image/png' });
    const second = await get(tileUrl());
    assert.equal(second.status, 200);
    assert.ok(second.body.equals(marker), 'the second response comes from the blob store');
    assert.deepEqual(await listKeys(h.blobs, 'wmts-cache/rgb/'), [key]);
    await h.blobs.delete(key);
  });

  it('ETag, Cache-Control with the configured max-age, 304 on If-None-Match (also weak, also in a list), 200 on another tag', async () => {
    const res = await get(tileUrl());
    const etag = res.headers.get('etag')!;
    assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=600');
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get(tileUrl(), { 'If-None-Match': header });
      assert.equal(again.status, 304, header);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers.get('etag'), etag);
      assert.equal(again.headers.get('cache-control'), 'public, max-age=600');
    }
    assert.equal((await get(tileUrl(), { 'If-None-Match': '"something-else"' })).status, 200);
    const neighbour = await get(tileUrl('rgb', 8, p.row, p.col + 1));
    assert.notEqual(neighbour.headers.get('etag'), etag);
  });

  it('a tile served from memory: the same bytes and ETag as when drawn, Content-Length and the core headers, no body to HEAD, not compressed for a gzip client', async () => {
    const url = tileUrl('rgb', 8, p.row + 1, p.col);
    const drawn = await get(url);
    const kept = await get(url, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(kept.status, 200);
    assert.ok(kept.body.equals(drawn.body));
    assert.equal(kept.headers.get('etag'), drawn.headers.get('etag'));
    assert.equal(kept.headers.get('content-type'), 'image/png');
    assert.equal(kept.headers.get('content-length'), String(drawn.body.length));
    assert.equal(kept.headers.get('content-encoding'), null);
    assert.ok(kept.headers.get('x-request-id'));
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(drawn.body.length));
    assert.equal(head.headers.get('etag'), drawn.headers.get('etag'));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('concurrent requests for one missing tile render it once and get the same bytes', async () => {
    const coverages = h.coverages as { map: typeof h.coverages.map };
    const original = coverages.map;
    let calls = 0;
    coverages.map = (...args) => {
      calls++;
      return original.apply(h.coverages, args);
    };
    try {
      const url = tileUrl('rgb', 9, webMercatorPixel(9, 10.5, 45.5).row, webMercatorPixel(9, 10.5, 45.5).col);
      const responses = await Promise.all(Array.from({ length: 8 }, () => get(url)));
      assert.ok(responses.every((r) => r.status === 200 && r.body.equals(responses[0]!.body)));
      assert.equal(calls, 1);
      assert.equal((await listKeys(h.blobs, 'wmts-cache/rgb/')).filter((k) => k.includes('/WebMercatorQuad/9/')).length, 1);
    } finally {
      coverages.map = original;
    }
  });

  it('when the source file changes, the layer’s stored tiles are deleted, other layers keep theirs, and the new data are drawn under the new version', async () => {
    await get(tileUrl('rgb', 7, webMercatorPixel(7, 10.5, 45.5).row, webMercatorPixel(7, 10.5, 45.5).col));
    await get(tileUrl('other'));
    const before = await version();
    assert.ok((await listKeys(h.blobs, 'wmts-cache/rgb/')).length >= 2);
    const otherKeys = await listKeys(h.blobs, 'wmts-cache/other/');
    assert.equal(otherKeys.length, 1);
    const old = await decodeImage((await get(tileUrl())).body);
    assert.deepEqual(old.at(p.i, p.j).slice(0, 3), [...SQUARE]);

    // Rewrite the file (a green square now) and have the engine re-scan its sources.
    makeRgbFixture(source, { square: { color: [0, 255, 0], ullr: [10, 46, 11, 45] } });
    assert.ok(h.coverages.refresh, 'the engine offers refresh()');
    await h.coverages.refresh();
    const after = await version();
    assert.notEqual(after, before);
    await eventually(async () => (await listKeys(h.blobs, 'wmts-cache/rgb/')).length === 0);
    assert.deepEqual(await listKeys(h.blobs, 'wmts-cache/other/'), otherKeys);
    const res = await get(tileUrl());
    assert.deepEqual((await decodeImage(res.body)).at(p.i, p.j).slice(0, 3), [0, 255, 0]);
    assert.deepEqual(await listKeys(h.blobs, 'wmts-cache/rgb/'), [`wmts-cache/rgb/${after}/rgb/WebMercatorQuad/8/${p.row}/${p.col}.png`]);
  });
});
