/**
 * Results stream: a large export holds one batch at a time (memory stays flat), and an open
 * stream does not hold up other work on the database.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import type { FeatureInput } from '../../../plugins/features/types.js';
import { testDatabaseKinds, type TestDatabaseKind } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

// A full garbage collection on demand, so what is measured is what the export keeps alive.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const retained = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const TOTAL = 200_000;
const BATCH = 20_000;
/** 400 characters per feature: holding 200,000 of them takes about 90 MB. */
const PAD = 'x'.repeat(400);

async function fileBacked(kind: TestDatabaseKind, dir: string): Promise<EngineHarness> {
  // SQLite: a file, so the export reads on a connection of its own (the in-memory kind pages).
  return kind.name === 'sqlite' ? openEngine(kind, { maxLimit: 1_000_000, config: { client: 'sqlite', filename: join(dir, 'features.sqlite') } }) : openEngine(kind, { maxLimit: 1_000_000 });
}

for (const kind of testDatabaseKinds()) {
  describe(`features streaming (${kind.name})`, function () {
    this.timeout(300_000);
    let h: EngineHarness;
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'meridian-features-'));
      h = await fileBacked(kind, dir);
      await h.features.createCollection({ id: 'many', geometryType: 'Point', properties: [{ name: 'i', type: 'integer' }, { name: 'pad', type: 'string' }] }, admin);
      for (let start = 0; start < TOTAL; start += BATCH) {
        const features: FeatureInput[] = [];
        for (let i = start; i < start + BATCH; i++) features.push({ geometry: { type: 'Point', coordinates: [(i % 3600) / 10 - 180, Math.floor(i / 3600) / 10 - 60] }, properties: { i, pad: PAD } });
        await h.features.transaction([{ op: 'insert', collection: 'many', features }], admin);
      }
    });
    after(async () => {
      await h?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it(`exports ${TOTAL} features with the memory kept alive bounded (no result set held)`, async () => {
      const result = await h.features.query('many', { limit: TOTAL, sortBy: [{ property: 'i', direction: 'desc' }] }, ANONYMOUS);
      let n = 0;
      let expected = TOTAL - 1;
      let baseline = 0;
      let peak = 0;
      for await (const f of result.features) {
        assert.equal(f.properties.i, expected--);
        n++;
        if (n === 5000) baseline = retained();
        if (n % 25_000 === 0) peak = Math.max(peak, retained());
      }
      assert.equal(n, TOTAL);
      const growth = (peak - baseline) / 2 ** 20;
      // Holding the features keeps about 90 MB alive (measured); streaming next to nothing.
      assert.ok(growth < 20, `the heap kept ${growth.toFixed(1)} MB more while streaming`);
    });

    it('an open stream does not hold up writes and other reads', async () => {
      const result = await h.features.query('many', { limit: 1000, filter: parseCql2Text('i < 5000'), bbox: [-180, -60, 180, 60] }, ANONYMOUS);
      const iterator = result.features[Symbol.asyncIterator]();
      const first = await iterator.next();
      assert.equal(first.done, false);
      // Mid-stream: a write commits and another query answers.
      const { inserted } = await h.features.transaction([{ op: 'insert', collection: 'many', features: [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: { i: -1, pad: '' } }] }], admin);
      assert.equal(inserted.length, 1);
      assert.equal(await h.features.count('many', { filter: parseCql2Text('i = -1') }, ANONYMOUS), 1);
      let n = 1;
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) n++;
      assert.equal(n, 1000);
      await h.features.transaction([{ op: 'delete', collection: 'many', filter: { ids: inserted } }], admin);
    });

    it('a stream given up half-way releases what it held', async () => {
      for (let round = 0; round < 20; round++) {
        const result = await h.features.query('many', { limit: 10_000 }, ANONYMOUS);
        for await (const f of result.features) {
          if (f.properties.i === 10) break;
        }
      }
      // Every connection came back: a full read still works, and writes too.
      assert.equal((await collect((await h.features.query('many', { limit: 5 }, ANONYMOUS)).features)).length, 5);
      await h.features.transaction([{ op: 'update', collection: 'many', filter: { ids: ['many.1'] }, properties: { pad: 'y' } }], admin);
    });
  });
}
