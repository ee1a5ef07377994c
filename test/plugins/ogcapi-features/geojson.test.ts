/**
 * The GeoJSON FeatureCollection writer: valid GeoJSON with the members written after the
 * features, positions swapped for authority-order CRSs, an engine error on the first read raised
 * before any byte goes out, a small page held as one string, and a million features streamed
 * with flat memory.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Feature } from '../../../plugins/features/types.js';
import { featureCollectionBody, primed } from '../../../plugins/ogcapi-features/geojson.js';
import { assertValid } from './schemas.js';

async function* generated(n: number): AsyncGenerator<Feature> {
  for (let i = 0; i < n; i++) {
    yield { id: String(i), geometry: { type: 'Point', coordinates: [7 + (i % 1000) / 1000, 46 + i / n] }, properties: { name: `feature ${i}`, value: i, flag: i % 2 === 0, note: null } };
  }
}

async function text(body: Promise<string | Readable>): Promise<string> {
  const held = await body;
  if (typeof held === 'string') return held;
  let out = '';
  for await (const chunk of held) out += chunk.toString();
  return out;
}

describe('ogcapi-features GeoJSON writer', () => {
  it('writes a valid FeatureCollection with head members, the features and the tail members', async () => {
    const body = await featureCollectionBody(generated(3), {
      swap: false,
      head: { timeStamp: '2024-01-01T00:00:00.000Z' },
      tail: (n) => ({ numberReturned: n, links: [{ href: 'http://x/next', rel: 'next' }] }),
    });
    assert.equal(typeof body, 'string', 'a small page is held and written at once');
    const doc = JSON.parse(body as string);
    assertValid('featureCollection', doc);
    assert.equal(doc.timeStamp, '2024-01-01T00:00:00.000Z');
    assert.equal(doc.numberReturned, 3);
    assert.deepEqual(doc.features.map((f: { id: string }) => f.id), ['0', '1', '2']);
    assert.deepEqual(doc.features[1].geometry.coordinates, [7.001, 46 + 1 / 3]);
    for (const f of doc.features) assertValid('feature', f);
  });

  it('writes an empty page and swaps positions for authority-order CRSs, in every geometry type', async () => {
    const empty = JSON.parse(await text(featureCollectionBody(generated(0), { swap: true, head: {}, tail: (n) => ({ numberReturned: n }) })));
    assert.deepEqual(empty, { type: 'FeatureCollection', features: [], numberReturned: 0 });
    async function* shapes(): AsyncGenerator<Feature> {
      yield { id: 'p', geometry: { type: 'Polygon', coordinates: [[[1, 2], [3, 2], [3, 4], [1, 2]]] }, properties: {} };
      yield { id: 'c', geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2, 3] }, { type: 'MultiLineString', coordinates: [[[5, 6], [7, 8]]] }] }, properties: {} };
      yield { id: 'n', geometry: null, properties: {} };
    }
    const doc = JSON.parse(await text(featureCollectionBody(shapes(), { swap: true, head: {}, tail: () => ({}) })));
    assertValid('featureCollection', doc);
    assert.deepEqual(doc.features[0].geometry.coordinates, [[[2, 1], [2, 3], [4, 3], [2, 1]]]);
    assert.deepEqual(doc.features[1].geometry.geometries[0].coordinates, [2, 1, 3]);
    assert.deepEqual(doc.features[1].geometry.geometries[1].coordinates, [[[6, 5], [8, 7]]]);
    assert.equal(doc.features[2].geometry, null);
  });

  it('raises an error of the first read before streaming, and keeps the first feature', async () => {
    async function* failing(): AsyncGenerator<Feature> {
      throw new Error('bad filter');
    }
    await assert.rejects(primed(failing()), /bad filter/);
    const features = await primed(generated(2));
    const ids: string[] = [];
    for await (const f of features) ids.push(f.id);
    assert.deepEqual(ids, ['0', '1']);
  });

  it('writes a million features while the heap stays flat', async function () {
    this.timeout(120_000);
    const n = 1_000_000;
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let bytes = 0;
    let count = 0;
    const body = await featureCollectionBody(generated(n), { swap: true, head: {}, tail: (returned) => ((count = returned), {}) });
    assert.ok(body instanceof Readable, 'a large page streams');
    await pipeline(
      body,
      new Writable({
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          peak = Math.max(peak, process.memoryUsage().heapUsed);
          done();
        },
      }),
    );
    assert.equal(count, n);
    assert.ok(bytes > 100 * n, `${bytes} bytes`);
    // The whole document is over 100 MB; a writer that held it would grow the heap by that much.
    assert.ok(peak - before < 48 * 1024 * 1024, `heap grew by ${Math.round((peak - before) / 1048576)} MiB`);
  });
});
