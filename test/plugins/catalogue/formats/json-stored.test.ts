import assert from 'node:assert/strict';
import type { CatalogueService } from '../../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { validateEoGeoJson, validateStac } from '../../../helpers/json-schema.js';
import { admin, startCatalogue, type CatalogueHarness } from '../support.js';
import { examples, normaliseTimes } from './json-support.js';

for (const kind of testDatabaseKinds()) {
  describe(`catalogue formats through the engine (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    const stac = examples('stac/v1.0.0/examples');
    const eo = examples('ogc/eo-geojson/1.0/examples');
    const text = (name: string) => [...stac, ...eo].find((e) => e.name.endsWith(name))!.text;

    before(async () => {
      h = await startCatalogue(kind);
      catalogue = h.catalogue;
    });
    after(async () => h?.close());

    it('a STAC Collection and its Item, stored and read back, are written as received', async () => {
      const collection = catalogue.formats.decode(text('stac/v1.0.0/examples/collection.json')).records;
      const item = catalogue.formats.decode(text('stac/v1.0.0/examples/extended-item.json')).records;
      await catalogue.upsert([...collection, ...item]);
      for (const [id, name] of [['simple-collection', 'stac/v1.0.0/examples/collection.json'], ['20201211_223832_CS2', 'stac/v1.0.0/examples/extended-item.json']] as const) {
        const r = (await catalogue.get(id, admin))!;
        assert.equal(catalogue.formats.encode('stac', r, { asReceived: true }), text(name));
        const out = catalogue.formats.find('stac')!.toJson!(r, {}) as Record<string, any>;
        assert.ok(validateStac(out).valid, validateStac(out).text);
        const expected = JSON.parse(text(name)) as Record<string, any>;
        expected.links = expected.links.filter((l: { rel: string }) => l.rel !== 'self');
        delete expected.bbox;
        delete out.bbox;
        assert.deepEqual(normaliseTimes(out), normaliseTimes(expected));
      }
    });

    it('17-003 features stored in a collection are found by their EO fields and written back valid', async () => {
      await catalogue.upsert([{ identifier: 'EOP:ESA:SCIHUB:S2', type: 'collection', title: 'Sentinel-2' }]);
      await catalogue.upsert(catalogue.formats.decode(text('example-4-sentinel.json')).records);
      const found = await catalogue.search({ parentIdentifier: 'EOP:ESA:SCIHUB:S2', filter: undefined, limit: 10 }, admin);
      assert.deepEqual(found.records.map((r) => r.identifier), ['S2A_MSIL1C_20181113T130031_N0207_R138_T26SKJ_20181113T130714']);
      const facets = await catalogue.facets({ parentIdentifier: 'EOP:ESA:SCIHUB:S2' }, admin, ['platform', 'orbitDirection']);
      assert.deepEqual(facets, { platform: [{ value: 'Sentinel-2', count: 1 }], orbitDirection: [{ value: 'DESCENDING', count: 1 }] });
      const out = catalogue.formats.find('ogc17-003')!.toJson!(found.records[0]!, { selfUrl: 'https://cat.example.org/x' });
      assert.ok(validateEoGeoJson(out).valid, validateEoGeoJson(out).text);
    });

    it('an open-ended collection is found at any time after its start, and its open end is no value of `end`', async () => {
      await catalogue.upsert(catalogue.formats.decode(text('collection-only/collection.json')).records);
      const at = async (start: string, end: string) => (await catalogue.search({ type: 'collection', identifiers: ['sentinel-2'], start, end }, admin)).numberMatched;
      assert.equal(await at('2023-01-01T00:00:00Z', '2023-01-02T00:00:00Z'), 1);
      assert.equal(await at('2090-01-01T00:00:00Z', '2090-01-02T00:00:00Z'), 1);
      assert.equal(await at('2010-01-01T00:00:00Z', '2011-01-01T00:00:00Z'), 0);
      const ranges = await catalogue.ranges({ identifiers: ['sentinel-2'] }, admin, ['start', 'end']);
      assert.deepEqual(ranges, { start: { min: '2015-06-23T00:00:00.000Z', max: '2015-06-23T00:00:00.000Z' }, end: { min: null, max: null } });
      const r = (await catalogue.get('sentinel-2', admin))!;
      assert.equal(r.openEnd, true);
      assert.equal(r.end, undefined);
      // Closing the extent with a patch.
      const closed = await catalogue.patch('sentinel-2', { openEnd: null, end: '2030-01-01T00:00:00Z' });
      assert.equal(closed.end, '2030-01-01T00:00:00.000Z');
      assert.equal(await at('2090-01-01T00:00:00Z', '2090-01-02T00:00:00Z'), 0);
    });
  });
}
