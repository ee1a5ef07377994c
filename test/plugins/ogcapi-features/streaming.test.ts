/**
 * A large page end to end: 200,000 features read by the engine and written to the socket as they
 * come, the server's heap staying far below the size of the document (which is read here,
 * chunk by chunk, and counted without being kept).
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, admin, GRID, startFeaturesApi, type FeaturesApiHarness } from './support.js';

const N = 200_000;

describe('ogcapi-features streams a large page', function () {
  this.timeout(300_000);
  let h: FeaturesApiHarness;
  before(async () => {
    h = await startFeaturesApi(testDatabaseKinds()[0]!, { engine: { maxLimit: N } });
    await addCollection(h.features, GRID, []);
    for (let start = 0; start < N; start += 20_000) {
      const features = Array.from({ length: 20_000 }, (_, k) => {
        const i = start + k;
        return { id: `g${String(i).padStart(6, '0')}`, geometry: { type: 'Point' as const, coordinates: [(i % 1000) / 10, Math.floor(i / 1000) / 10] }, properties: { value: i, label: `cell number ${i} of the large grid` } };
      });
      await h.features.transaction([{ op: 'insert', collection: 'grid', features }], admin);
    }
  });
  after(async () => h?.close());

  it(`writes ${N} features in one response with the heap flat`, async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const res = await fetch(`${h.base}/collections/grid/items?limit=${N}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), null, 'the page was buffered, not streamed');
    let bytes = 0;
    let features = 0;
    let tail = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      const text = tail + decoder.decode(chunk, { stream: true });
      features += (text.match(/"type":"Feature"/g) ?? []).length - (tail.match(/"type":"Feature"/g) ?? []).length;
      tail = text.slice(-4000);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    assert.equal(features, N);
    assert.match(tail, /\],"numberMatched":200000,"numberReturned":200000,"links":\[.*\]\}$/s);
    assert.ok(bytes > 100 * N, `${bytes} bytes`);
    // The document is over 20 MB; buffering it (as a string and its parsed rows) would grow the heap well beyond this.
    assert.ok(peak - before < 48 * 1024 * 1024, `heap grew by ${Math.round((peak - before) / 1048576)} MiB for ${Math.round(bytes / 1048576)} MiB sent`);
  });

  it('closes the engine\'s read when the client goes away mid-page: writes and reads go on', async () => {
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = httpGet(`${h.base}/collections/grid/items?limit=${N}`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
      });
    }
    const created = await h.request('POST', '/collections/grid/items', { as: 'admin', body: { type: 'Feature', id: 'after', geometry: null, properties: { value: -1 } } });
    assert.equal(created.status, 201, created.text);
    const page = await h.get('/collections/grid/items?limit=2&filter=value%20%3C%200');
    assert.deepEqual(page.json.features.map((f: { id: string }) => f.id), ['after']);
  });
});
