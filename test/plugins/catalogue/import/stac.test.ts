import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runImport } from '../../../../plugins/catalogue/import/importer.js';
import type { ImportOptions, ImportSummary, Rejection } from '../../../../plugins/catalogue/import/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from '../support.js';
import { serveDirectory } from './support.js';

const schemas = process.env.MERIDIAN_SCHEMAS ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/schemas');

function write(path: string, doc: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(doc, null, 1));
}

const link = (rel: string, href: string) => ({ rel, href, type: 'application/json' });

function item(id: string, lon: number, lat: number, datetime: string, links: unknown[], collection?: string) {
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    id,
    ...(collection ? { collection } : {}),
    geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]] },
    bbox: [lon, lat, lon + 1, lat + 1],
    properties: { datetime, 'eo:cloud_cover': 12 },
    links,
    assets: { data: { href: `./${id}.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] } },
  };
}

function collection(id: string, links: unknown[]) {
  return {
    type: 'Collection',
    stac_version: '1.0.0',
    id,
    description: `The ${id} collection`,
    license: 'proprietary',
    extent: { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [['2020-01-01T00:00:00Z', null]] } },
    links,
  };
}

/**
 * catalog → two collections → items by relative links (down, sideways and up the tree), with a
 * cycle back to the catalog, a link given twice, an item with a broken footprint and one with a
 * bad date.
 */
function writeTree(root: string): void {
  write(join(root, 'catalog.json'), {
    type: 'Catalog', stac_version: '1.0.0', id: 'root-cat', description: 'Test catalog',
    links: [link('root', './catalog.json'), link('self', 'https://example.invalid/catalog.json'), link('child', './s2/collection.json'), link('child', 'landsat/collection.json')],
  });
  write(join(root, 's2', 'collection.json'), collection('S2-TEST', [
    link('root', '../catalog.json'), link('parent', '../catalog.json'), link('child', '../catalog.json'),
    link('item', './items/a/a.json'), link('item', 'items/a/a.json'), link('item', './items/b/b.json'),
    link('item', './items/broken/broken.json'), link('item', './items/bad-date.json'),
  ]));
  write(join(root, 's2', 'items', 'a', 'a.json'), item('S2-A', 2, 48, '2020-06-01T10:00:00Z', [link('collection', '../../collection.json')], 'S2-TEST'));
  // No `collection` member: it belongs to the collection that links to it.
  write(join(root, 's2', 'items', 'b', 'b.json'), item('S2-B', 3, 48, '2020-06-02T10:00:00Z', []));
  const broken = item('S2-BROKEN', 4, 48, '2020-06-03T10:00:00Z', [], 'S2-TEST');
  broken.geometry.coordinates = [[[4, 48], [5, 49]]];
  write(join(root, 's2', 'items', 'broken', 'broken.json'), broken);
  write(join(root, 's2', 'items', 'bad-date.json'), item('S2-BAD-DATE', 5, 48, 'the day before yesterday', [], 'S2-TEST'));
  write(join(root, 'landsat', 'collection.json'), collection('LS-TEST', [link('item', '../shared-items/l1.json')]));
  write(join(root, 'shared-items', 'l1.json'), item('LS-1', 10, 40, '2021-01-01T00:00:00Z', [], 'LS-TEST'));
}

async function importInto(h: CatalogueHarness, options: ImportOptions): Promise<{ summary: ImportSummary; rejected: Rejection[] }> {
  const rejected: Rejection[] = [];
  const summary = await runImport({ catalogue: h.catalogue, db: h.server.meridian.stores.db }, { ...options, onRejected: (r) => rejected.push(r) });
  return { summary, rejected };
}

async function identifiers(h: CatalogueHarness, query: Record<string, unknown> = {}): Promise<string[]> {
  return (await h.catalogue.search({ limit: 100, sortBy: [{ field: 'identifier' }], ...query }, admin)).records.map((r) => r.identifier);
}

for (const kind of testDatabaseKinds()) {
  describe(`catalogue import of STAC trees (${kind.name})`, function () {
    this.timeout(60000);
    let h: CatalogueHarness;
    let dir: string;
    beforeEach(async () => {
      h = await startCatalogue(kind);
      dir = mkdtempSync(join(tmpdir(), 'meridian-stac-'));
      writeTree(dir);
    });
    afterEach(async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const checkTree = async (summary: ImportSummary, rejected: Rejection[], source: (path: string) => string) => {
      assert.deepEqual(await identifiers(h, { type: 'collection' }), ['LS-TEST', 'root-cat', 'S2-TEST'].sort());
      assert.deepEqual(await identifiers(h, { type: 'product', parentIdentifier: 'S2-TEST' }), ['S2-A', 'S2-B']);
      assert.deepEqual(await identifiers(h, { type: 'product', parentIdentifier: 'LS-TEST' }), ['LS-1']);
      assert.deepEqual(summary.records, { imported: 6, rejected: rejected.filter((r) => r.record).length, collections: 3, products: 3 });
      // Each document once, whatever links to it how often (the catalog, through a cycle, too).
      assert.equal(summary.sources.found, 8);
      assert.deepEqual(rejected.map((r) => r.source).sort(), [source('s2/items/bad-date.json'), source('s2/items/broken/broken.json')]);
      const broken = rejected.find((r) => r.source === source('s2/items/broken/broken.json'))!;
      assert.match(broken.code, /^Invalid(Geometry|Record)$/);
      assert.ok(broken.reason.length > 0);
      // Searchable like any record: by place, time and full text.
      assert.deepEqual(await identifiers(h, { type: 'product', bbox: [3.2, 48.2, 3.4, 48.4] }), ['S2-B']);
      assert.deepEqual(await identifiers(h, { type: 'product', start: '2021-01-01', end: '2021-01-02' }), ['LS-1']);
    };

    it('follows child and item links from a catalog on disk (relative hrefs against each document, cycles and repeats once); the broken items are reported, the rest searchable', async () => {
      const { summary, rejected } = await importInto(h, { source: join(dir, 'catalog.json'), concurrency: 3 });
      await checkTree(summary, rejected, (p) => join(dir, p));
      const b = (await h.catalogue.get('S2-B', admin))!;
      assert.equal(b.metadata?.format, 'stac');
    });

    it('imports the same tree as a directory, each document once although the walk and the links both reach it', async () => {
      const { summary, rejected } = await importInto(h, { source: dir, concurrency: 4 });
      await checkTree(summary, rejected, (p) => join(dir, p));
    });

    it('imports the same tree served over HTTP, links resolved against each document\'s URL', async () => {
      const server = await serveDirectory(dir);
      try {
        const { summary, rejected } = await importInto(h, { source: `${server.url}/catalog.json`, remoteOnly: true, allowPrivateNetworks: true, concurrency: 2 });
        await checkTree(summary, rejected, (p) => `${server.url}/${p}`);
        assert.ok(!server.requests.some((r) => r.path.includes('example.invalid')));
        // Resuming asks again only for what links elsewhere; unchanged items are not fetched whole.
        const again = await importInto(h, { source: `${server.url}/catalog.json`, remoteOnly: true, allowPrivateNetworks: true, resume: true });
        assert.equal(again.summary.records.imported, 0);
        assert.equal(again.summary.sources.skipped, 6);
      } finally {
        await server.close();
      }
    });

    it('never lets a remote document lead to a local file', async () => {
      write(join(dir, 'evil.json'), { type: 'Catalog', stac_version: '1.0.0', id: 'evil', description: 'x', links: [link('child', 'file:///etc/passwd'), link('item', `file://${join(dir, 'shared-items', 'l1.json')}`)] });
      const server = await serveDirectory(dir);
      try {
        const { rejected } = await importInto(h, { source: `${server.url}/evil.json` });
        assert.deepEqual(rejected.map((r) => r.code), ['InvalidLink', 'InvalidLink']);
        assert.match(rejected[0]!.reason, /local file/);
        assert.equal(await h.catalogue.get('LS-1', admin), undefined);
      } finally {
        await server.close();
      }
    });

    it('imports the official STAC 1.0.0 examples catalog, keeping the good records and reporting the others', async () => {
      const examples = join(dir, 'examples');
      cpSync(join(schemas, 'stac', 'v1.0.0', 'examples'), examples, { recursive: true });
      const { summary, rejected } = await importInto(h, { source: join(examples, 'catalog.json') });
      // catalog, three children, the collectionless item and the extensions collection's item.
      assert.equal(summary.sources.found, 6);
      assert.ok((await identifiers(h, { type: 'collection' })).includes('extensions-collection'));
      for (const r of rejected) assert.ok(r.reason && r.source.startsWith(examples), JSON.stringify(r));
      // Both collection-only documents name 'sentinel-2': the second is refused as a duplicate.
      assert.equal(rejected.filter((r) => r.code === 'DuplicateIdentifier').length, 1);
      assert.equal(summary.records.imported + summary.records.rejected + summary.sources.rejected, 6);
    });

    it('imports OGC 17-003 GeoJSON documents (the official examples) through the same registry', async () => {
      const examples = join(schemas, 'ogc', 'eo-geojson', '1.0', 'examples');
      const seasat = JSON.parse(readFileSync(join(examples, 'example-1-seasat-collection.json'), 'utf8')) as { features: Array<{ properties: { identifier?: string; parentIdentifier: string } }> };
      const landsat = JSON.parse(readFileSync(join(examples, 'example-2-landsat.json'), 'utf8')) as { properties: { parentIdentifier: string } };
      const parents = [...new Set([...seasat.features.map((f) => f.properties.parentIdentifier), landsat.properties.parentIdentifier])];
      await h.catalogue.upsert(parents.map((id) => ({ identifier: id, type: 'collection' as const, title: id })));
      write(join(dir, 'eo', 'seasat.json'), seasat);
      write(join(dir, 'eo', 'landsat.json'), landsat);
      const { summary, rejected } = await importInto(h, { source: join(dir, 'eo') });
      // The Seasat example lists one product twice: the second is reported, not written twice.
      for (const r of rejected) assert.equal(r.code, 'DuplicateIdentifier', JSON.stringify(r));
      assert.equal(summary.records.products, seasat.features.length - rejected.length + 1);
      const products = await h.catalogue.search({ type: 'product', parentIdentifier: landsat.properties.parentIdentifier }, admin);
      assert.equal(products.numberMatched, 1);
      assert.equal(products.records[0]!.metadata?.format, 'ogc17-003');
      assert.equal(products.records[0]!.start, '2000-01-07T11:12:29.000Z');
    });
  });
}
