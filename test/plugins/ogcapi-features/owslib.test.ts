/**
 * OWSLib's owslib.ogcapi.features.Features (the Python client many scripts and QGIS plugins use)
 * against the real server on every database kind: landing page, conformance, the API document,
 * collections, paged items with bbox, datetime, CQL2 text filter and a property filter, one item,
 * queryables, and the problem document of a missing collection.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, GRID, gridFeatures, PLACES, PYTHON, run, startFeaturesApi, TOWNS, townFeatures, type FeaturesApiHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/owslib_client.py', import.meta.url));

interface OwslibReport {
  title: string;
  conformance: string[];
  openapi_paths: string[];
  collections: string[];
  feature_collections: string[];
  places: { title: string; crs: string[]; bbox: number[] };
  first_page: { ids: string[]; numberMatched: number; numberReturned: number; next: string[] };
  second_page: string[];
  bbox: string[];
  datetime: string[];
  filter: string[];
  property: string[];
  item: { id: string; properties: Record<string, unknown>; geometry: { coordinates: number[] } };
  queryables: Record<string, string>;
  missing: { status: number; locator: string } | string;
}

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features read by OWSLib (${kind.name})`, function () {
    this.timeout(120_000);
    let h: FeaturesApiHarness;
    before(async () => {
      h = await startFeaturesApi(kind);
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, GRID, gridFeatures(12));
    });
    after(async () => h?.close());

    it('reads the landing page, conformance, API, collections, items, one item and queryables', async () => {
      const res = await run(PYTHON, [SCRIPT, h.base]);
      assert.equal(res.code, 0, `OWSLib failed:\n${res.stderr}\n${res.stdout}`);
      const r = JSON.parse(res.stdout) as OwslibReport;
      assert.equal(r.title, 'Meridian features');
      assert.ok(r.conformance.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
      assert.ok(r.openapi_paths.includes('/ogcapi/collections/{collectionId}/items'));
      assert.deepEqual(r.collections.sort(), ['grid', 'places']);
      assert.deepEqual(r.feature_collections.sort(), ['grid', 'places']);
      assert.equal(r.places.title, 'Places');
      assert.equal(r.places.crs[0], 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
      assert.deepEqual(r.first_page.ids, ['t0', 't1', 't2']);
      assert.equal(r.first_page.numberMatched, TOWNS.length);
      assert.equal(r.first_page.numberReturned, 3);
      assert.equal(r.first_page.next.length, 1);
      assert.deepEqual(r.second_page, ['t3', 't4', 't5']);
      const ids = (pick: (t: (typeof TOWNS)[number], i: number) => boolean) => TOWNS.flatMap((t, i) => (pick(t, i) ? [`t${i}`] : [])).sort();
      assert.deepEqual(r.bbox, ids((t) => t.lon >= 7 && t.lon <= 9 && t.lat >= 46.5 && t.lat <= 47.6));
      assert.deepEqual(r.datetime, ['t1', 't2', 't3']);
      assert.deepEqual(r.filter, ids((t) => t.population > 150000 && t.name.startsWith('G')));
      assert.deepEqual(r.property, ['t1']);
      assert.equal(r.item.id, 't3');
      assert.equal(r.item.properties.name, 'Basel');
      assert.deepEqual(r.item.geometry.coordinates, [TOWNS[3]!.lon, TOWNS[3]!.lat]);
      assert.deepEqual(r.queryables, { geometry: 'geometry-point', name: 'string', population: 'integer', area: 'number', capital: 'boolean', founded: 'string', observed: 'string', canton: 'string' });
      assert.equal(typeof r.missing, 'object');
      assert.deepEqual([(r.missing as { status: number }).status, (r.missing as { locator: string }).locator], [404, 'collectionId']);
    });
  });
}
