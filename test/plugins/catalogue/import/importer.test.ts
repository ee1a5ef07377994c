import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImport } from '../../../../plugins/catalogue/import/importer.js';
import type { ImportOptions, ImportSummary, Rejection } from '../../../../plugins/catalogue/import/types.js';
import type { CatalogueRecord } from '../../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from '../support.js';
import { iso19115_3Record, isoRecord, makeGeoTiff, serveDirectory } from './support.js';

async function importInto(h: CatalogueHarness, options: ImportOptions): Promise<{ summary: ImportSummary; rejected: Rejection[] }> {
  const rejected: Rejection[] = [];
  const summary = await runImport({ catalogue: h.catalogue, db: h.server.meridian.stores.db }, { ...options, onRejected: (r) => rejected.push(r) });
  return { summary, rejected };
}

async function all(h: CatalogueHarness, query: Record<string, unknown> = {}): Promise<CatalogueRecord[]> {
  return (await h.catalogue.search({ limit: 1000, sortBy: [{ field: 'identifier' }], ...query }, admin)).records;
}

/** Records without what differs between two imports of the same sources (times of writing). */
function comparable(records: CatalogueRecord[]): unknown[] {
  return records.map(({ created: _c, updated: _u, ...rest }) => rest);
}

for (const kind of testDatabaseKinds()) {
  describe(`catalogue import pipeline (${kind.name})`, function () {
    this.timeout(120000);
    let h: CatalogueHarness;
    let dir: string;
    beforeEach(async () => {
      h = await startCatalogue(kind);
      dir = mkdtempSync(join(tmpdir(), 'meridian-import-'));
    });
    afterEach(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('walks a directory: GeoTIFFs become products of a collection it creates (extent from them), other files are ignored, a bad TIFF is reported', async () => {
      makeGeoTiff(join(dir, 'a', 'T31_20200601.tif'), { srs: 'EPSG:4326', ullr: [1, 44, 2, 43], size: [128, 128], cog: true });
      makeGeoTiff(join(dir, 'a', 'b', 'T31_20200602.tif'), { srs: 'EPSG:32631', ullr: [500000, 4900000, 510000, 4890000], size: [128, 128] });
      makeGeoTiff(join(dir, 'T32_20200603.TIF'), { srs: 'EPSG:4326', ullr: [5, 46, 6, 45], size: [64, 64] });
      writeFileSync(join(dir, 'README.txt'), 'not metadata');
      writeFileSync(join(dir, 'a', 'broken.tif'), Buffer.from('II*\0garbage'));
      mkdirSync(join(dir, '.hidden'));
      writeFileSync(join(dir, '.hidden', 'x.xml'), '<x/>');
      const { summary, rejected } = await importInto(h, { source: dir, collection: 'tiles', createCollection: true });
      assert.equal(summary.sources.found, 4);
      assert.equal(summary.sources.imported, 3);
      assert.equal(summary.sources.rejected, 1);
      assert.equal(summary.sources.ignored, 1);
      assert.deepEqual(summary.records, { imported: 3, rejected: 0, collections: 0, products: 3 });
      assert.equal(summary.collectionCreated, true);
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0]!.source, join(dir, 'a', 'broken.tif'));
      assert.equal(rejected[0]!.code, 'InvalidGeoTIFF');
      const products = await all(h, { type: 'product', parentIdentifier: 'tiles' });
      assert.deepEqual(products.map((p) => p.identifier), ['T31_20200601', 'T31_20200602', 'T32_20200603']);
      assert.deepEqual(products.map((p) => p.start), ['2020-06-01T00:00:00.000Z', '2020-06-02T00:00:00.000Z', '2020-06-03T00:00:00.000Z']);
      const collection = (await h.catalogue.get('tiles', admin))!;
      assert.equal(collection.type, 'collection');
      assert.equal(collection.start, '2020-06-01T00:00:00.000Z');
      assert.equal(collection.end, '2020-06-03T00:00:00.000Z');
      assert.deepEqual(collection.bbox!.map((v) => Math.round(v * 1e6) / 1e6), [1, 43, 6, 46]);
      // Found by a spatial search like any product.
      const found = await h.catalogue.search({ type: 'product', bbox: [5.2, 45.2, 5.4, 45.4] }, admin);
      assert.deepEqual(found.records.map((r) => r.identifier), ['T32_20200603']);
    });

    it('refuses a collection that does not exist unless asked to create it', async () => {
      makeGeoTiff(join(dir, 'x.tif'), { srs: 'EPSG:4326', ullr: [1, 44, 2, 43], size: [16, 16] });
      await assert.rejects(importInto(h, { source: dir, collection: 'nope' }), /There is no collection 'nope'/);
      assert.equal((await all(h)).length, 0);
    });

    it('rejects the bad record of a failed batch alone and keeps the rest; unreadable documents are reported by source', async () => {
      writeFileSync(join(dir, '0-collection.xml'), isoRecord({ id: 'S2', title: 'Sentinel-2', level: 'series' }));
      for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `p${i}.xml`), isoRecord({ id: `p${i}`, title: `Product ${i}`, parent: 'S2', start: `2020-01-0${i}T00:00:00Z` }));
      writeFileSync(join(dir, 'p3.xml'), isoRecord({ id: 'p3', title: 'Orphan', parent: 'no-such-collection', start: '2020-01-03T00:00:00Z' }));
      writeFileSync(join(dir, 'p6.xml'), '<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd"><unclosed>');
      const { summary, rejected } = await importInto(h, { source: dir, batchSize: 50, concurrency: 2 });
      assert.deepEqual(summary.records, { imported: 5, rejected: 1, collections: 1, products: 4 });
      assert.equal(summary.sources.rejected, 1);
      const byRecord = rejected.find((r) => r.record === 'p3')!;
      assert.equal(byRecord.source, join(dir, 'p3.xml'));
      assert.equal(byRecord.locator, 'parentIdentifier');
      assert.match(byRecord.reason, /no-such-collection/);
      const bySource = rejected.find((r) => r.source === join(dir, 'p6.xml'))!;
      assert.equal(bySource.record, undefined);
      assert.ok(bySource.reason.length > 0);
      assert.deepEqual((await all(h, { type: 'product' })).map((r) => r.identifier), ['p1', 'p2', 'p4', 'p5']);
    });

    it('imports ISO 19139 and ISO 19115-3 documents side by side, each decoded by its format', async () => {
      writeFileSync(join(dir, 'series.xml'), iso19115_3Record({ id: 'ISO3-C', title: 'A 19115-3 series', level: 'series', bbox: [-5, 40, 10, 52] }));
      writeFileSync(join(dir, 'a.xml'), iso19115_3Record({ id: 'iso3-a', title: 'Granule A', parent: 'ISO3-C', bbox: [1, 45, 2, 46], start: '2022-05-01T10:00:00Z' }));
      writeFileSync(join(dir, 'b.xml'), isoRecord({ id: 'iso-b', title: 'Granule B', parent: 'ISO3-C', bbox: [3, 45, 4, 46], start: '2022-05-02T10:00:00Z' }));
      const { summary, rejected } = await importInto(h, { source: dir });
      assert.deepEqual(rejected, []);
      assert.deepEqual(summary.records, { imported: 3, rejected: 0, collections: 1, products: 2 });
      const products = await all(h, { type: 'product', parentIdentifier: 'ISO3-C' });
      assert.deepEqual(products.map((p) => [p.identifier, p.metadata?.format, p.start]), [
        ['iso-b', 'iso19139', '2022-05-02T10:00:00.000Z'],
        ['iso3-a', 'iso19115-3', '2022-05-01T10:00:00.000Z'],
      ]);
      assert.deepEqual(products[1]!.bbox, [1, 45, 2, 46]);
    });

    it('keeps products read before their collection: they wait for the end of the import', async () => {
      mkdirSync(join(dir, 'a'));
      mkdirSync(join(dir, 'z'));
      for (let i = 1; i <= 3; i++) writeFileSync(join(dir, 'a', `p${i}.xml`), isoRecord({ id: `p${i}`, title: `P${i}`, parent: 'late' }));
      writeFileSync(join(dir, 'z', 'c.xml'), isoRecord({ id: 'late', title: 'Late collection', level: 'series' }));
      const { summary, rejected } = await importInto(h, { source: dir, batchSize: 2, concurrency: 1 });
      assert.deepEqual(rejected, []);
      assert.deepEqual(summary.records, { imported: 4, rejected: 0, collections: 1, products: 3 });
      assert.equal((await all(h, { parentIdentifier: 'late' })).length, 3);
    });

    it('rejects a second record with an identifier another source already gave', async () => {
      writeFileSync(join(dir, 'a.xml'), isoRecord({ id: 'same', title: 'First' }));
      writeFileSync(join(dir, 'b.xml'), isoRecord({ id: 'same', title: 'Second' }));
      const { summary, rejected } = await importInto(h, { source: dir, concurrency: 1 });
      assert.equal(summary.records.imported, 1);
      assert.equal(rejected[0]!.code, 'DuplicateIdentifier');
      assert.equal(rejected[0]!.source, join(dir, 'b.xml'));
      assert.equal((await h.catalogue.get('same', admin))!.title, 'First');
    });

    it('resumes: unchanged sources are skipped, a changed one is imported again, one rejected before is tried again', async () => {
      writeFileSync(join(dir, 'c.xml'), isoRecord({ id: 'C', title: 'C', level: 'series' }));
      for (let i = 1; i <= 4; i++) writeFileSync(join(dir, `p${i}.xml`), isoRecord({ id: `p${i}`, title: `P${i}`, parent: 'C' }));
      makeGeoTiff(join(dir, 'img_20200101.tif'), { srs: 'EPSG:4326', ullr: [1, 44, 2, 43], size: [16, 16] });
      writeFileSync(join(dir, 'bad.xml'), isoRecord({ id: 'bad', title: 'Bad', parent: 'missing' }));
      const first = await importInto(h, { source: dir, resume: true });
      assert.equal(first.summary.records.imported, 6);
      assert.equal(first.summary.records.rejected, 1);
      const again = await importInto(h, { source: dir, resume: true });
      assert.equal(again.summary.sources.skipped, 6);
      assert.equal(again.summary.records.imported, 0);
      assert.equal(again.summary.records.rejected, 1, 'the source with a rejection is not recorded as done');
      writeFileSync(join(dir, 'p2.xml'), isoRecord({ id: 'p2', title: 'P2 revised', parent: 'C' }));
      utimesSync(join(dir, 'p2.xml'), new Date(), new Date(Date.now() + 5000));
      const third = await importInto(h, { source: dir, resume: true });
      assert.equal(third.summary.sources.skipped, 5);
      assert.equal(third.summary.records.imported, 1);
      assert.equal((await h.catalogue.get('p2', admin))!.title, 'P2 revised');
      // Without resume, everything is read again.
      const full = await importInto(h, { source: dir });
      assert.equal(full.summary.sources.skipped, 0);
      assert.equal(full.summary.records.imported, 6);
    });

    it('an interrupted import leaves what it wrote, and resuming completes it', async () => {
      writeFileSync(join(dir, '000.xml'), isoRecord({ id: 'C', title: 'C', level: 'series' }));
      for (let i = 1; i <= 30; i++) writeFileSync(join(dir, `p${String(i).padStart(3, '0')}.xml`), isoRecord({ id: `p${i}`, title: `P${i}`, parent: 'C' }));
      const controller = new AbortController();
      const first = await importInto(h, {
        source: dir, resume: true, concurrency: 1, batchSize: 4, signal: controller.signal,
        onProgress: (p) => p.done >= 10 && controller.abort(),
      } as ImportOptions);
      assert.equal(first.summary.interrupted, true);
      const written = (await all(h)).length;
      assert.equal(written, first.summary.records.imported);
      assert.ok(written >= 10 && written < 31, String(written));
      const rest = await importInto(h, { source: dir, resume: true, concurrency: 3 });
      assert.equal(rest.summary.interrupted, false);
      assert.equal(rest.summary.sources.skipped, written);
      assert.equal((await all(h)).length, 31);
    });

    it('reads a remote document, and reports a missing one and one over the size limit', async () => {
      writeFileSync(join(dir, 'c.xml'), isoRecord({ id: 'remote-c', title: 'Remote collection', level: 'series' }));
      writeFileSync(join(dir, 'big.xml'), isoRecord({ id: 'big', title: 'x'.repeat(5000) }));
      const server = await serveDirectory(dir);
      try {
        const ok = await importInto(h, { source: `${server.url}/c.xml`, remoteOnly: true, allowPrivateNetworks: true });
        assert.equal(ok.summary.records.imported, 1);
        assert.equal((await h.catalogue.get('remote-c', admin))!.title, 'Remote collection');
        const missing = await importInto(h, { source: `${server.url}/nothing.xml` });
        assert.equal(missing.rejected[0]!.code, 'UnreadableSource');
        assert.match(missing.rejected[0]!.reason, /HTTP 404/);
        const big = await importInto(h, { source: `${server.url}/big.xml`, maxDocumentBytes: 2048 });
        assert.equal(big.rejected[0]!.code, 'SourceTooLarge');
        assert.equal(await h.catalogue.get('big', admin), undefined);
      } finally {
        await server.close();
      }
    });

    it('refuses local files when limited to remote sources', async () => {
      await assert.rejects(importInto(h, { source: dir, remoteOnly: true }), /must be an http\(s\) URL/);
      await assert.rejects(importInto(h, { source: `file://${dir}`, remoteOnly: true }), /file: sources are refused/);
    });
  });
}

describe('catalogue import: parallel and serial give the same catalogue', function () {
  this.timeout(120000);
  const kind = testDatabaseKinds().at(-1)!;
  it(`imports 40 documents and 6 GeoTIFFs alike with 1 and 8 workers (${kind.name})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-import-par-'));
    writeFileSync(join(dir, 'collection.xml'), isoRecord({ id: 'C', title: 'C', level: 'series' }));
    for (let i = 0; i < 40; i++) {
      const sub = join(dir, `d${i % 5}`);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `p${i}.xml`), isoRecord({ id: `p${i}`, title: `Product ${i}`, parent: i === 17 ? 'missing' : 'C', bbox: [i, 10, i + 1, 11], start: `2020-02-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z` }));
    }
    for (let i = 0; i < 6; i++) makeGeoTiff(join(dir, 'tiles', `tile_2021010${i + 1}.tif`), { srs: i % 2 ? 'EPSG:32633' : 'EPSG:4326', ullr: i % 2 ? [400000 + i * 1000, 5000000, 410000 + i * 1000, 4990000] : [i, 50, i + 1, 49], size: [32, 32] });
    const results: Array<{ records: unknown[]; summary: ImportSummary; rejected: string[] }> = [];
    try {
      for (const concurrency of [1, 8]) {
        const h = await startCatalogue(kind);
        try {
          const { summary, rejected } = await importInto(h, { source: dir, concurrency, batchSize: 7, collection: 'tiles', createCollection: true });
          results.push({ records: comparable(await all(h)), summary, rejected: rejected.map((r) => `${r.source}#${r.record}`).sort() });
        } finally {
          await h.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [serial, parallel] = results as [(typeof results)[0], (typeof results)[0]];
    assert.equal(serial.records.length, 47);
    assert.deepEqual(parallel.records, serial.records);
    assert.deepEqual(parallel.rejected, serial.rejected);
    assert.equal(serial.rejected.length, 1);
    assert.deepEqual(parallel.summary.records, serial.summary.records);
    assert.deepEqual(parallel.summary.sources, serial.summary.sources);
  });
});
