/**
 * Part 2 (CRS) on every database kind: coordinates in the crs asked for, checked against PROJ
 * (gdaltransform), in that CRS's axis order (EPSG:4326 latitude first, CRS84 longitude first);
 * Content-Crs on every feature response; bbox-crs; a collection stored in LV95 served in CRS84
 * by default and exactly as stored in its storageCrs.
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, PARCELS, parcelFeatures, PLACES, run, startFeaturesApi, TOWNS, townFeatures, type FeaturesApiHarness } from './support.js';

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG = (code: number) => `http://www.opengis.net/def/crs/EPSG/0/${code}`;

/** PROJ's transformation of x/y points (GDAL's traditional GIS order: longitude first). */
async function proj(points: Array<[number, number]>, from: string, to: string): Promise<Array<[number, number]>> {
  const res = await run('gdaltransform', ['-s_srs', from, '-t_srs', to, '-output_xy'], { input: points.map((p) => p.join(' ')).join('\n') + '\n' });
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
}

const close = (actual: number[], expected: number[], tolerance: number, what: string) =>
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`));

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features CRS (${kind.name})`, function () {
    this.timeout(60_000);
    let h: FeaturesApiHarness;
    before(async () => {
      h = await startFeaturesApi(kind, { api: { crs: [EPSG(4326), EPSG(3857), EPSG(2056), EPSG(32632)] } });
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, PARCELS, parcelFeatures());
    });
    after(async () => h?.close());

    const points = async (path: string) => {
      const res = await h.get(path);
      assert.equal(res.status, 200, res.text);
      return { res, coords: res.json.features.map((f: { geometry: { coordinates: [number, number] } }) => f.geometry.coordinates) as Array<[number, number]> };
    };

    it('lists CRS84, the storage CRS and the configured CRSs per collection', async () => {
      const places = (await h.get('/collections/places')).json;
      assert.deepEqual(places.crs, [CRS84, EPSG(4326), EPSG(3857), EPSG(2056), EPSG(32632)]);
      assert.equal(places.storageCrs, CRS84);
      const parcels = (await h.get('/collections/parcels')).json;
      assert.deepEqual(parcels.crs.slice(0, 2), [CRS84, EPSG(2056)]);
      assert.equal(parcels.storageCrs, EPSG(2056));
    });

    it('answers EPSG:4326 in latitude, longitude order and CRS84 in longitude, latitude, with Content-Crs', async () => {
      const lonLat = await points('/collections/places/items?limit=20');
      assert.equal(lonLat.res.headers.get('content-crs'), `<${CRS84}>`);
      assert.deepEqual(lonLat.coords, TOWNS.map((t) => [t.lon, t.lat]));
      const latLon = await points(`/collections/places/items?limit=20&crs=${EPSG(4326)}`);
      assert.equal(latLon.res.headers.get('content-crs'), `<${EPSG(4326)}>`);
      assert.deepEqual(latLon.coords, TOWNS.map((t) => [t.lat, t.lon]));
      const one = await h.get(`/collections/places/items/t0?crs=${EPSG(4326)}`);
      assert.equal(one.headers.get('content-crs'), `<${EPSG(4326)}>`);
      assert.deepEqual(one.json.geometry.coordinates, [TOWNS[0]!.lat, TOWNS[0]!.lon]);
      // A safe CURIE names the same CRS.
      assert.deepEqual((await points('/collections/places/items?limit=20&crs=[EPSG:4326]')).coords, latLon.coords);
    });

    for (const code of [3857, 2056, 32632]) {
      it(`reprojects to EPSG:${code} as PROJ does`, async () => {
        const { res, coords } = await points(`/collections/places/items?limit=20&crs=${EPSG(code)}`);
        assert.equal(res.headers.get('content-crs'), `<${EPSG(code)}>`);
        const expected = await proj(TOWNS.map((t) => [t.lon, t.lat]), 'OGC:CRS84', `EPSG:${code}`);
        coords.forEach((c, i) => close(c, expected[i]!, 0.01, `${TOWNS[i]!.name} in EPSG:${code}`));
      });
    }

    it('serves a collection stored in LV95 in CRS84 by default (as PROJ), and as stored in its storageCrs', async () => {
      const stored = parcelFeatures();
      const native = await h.get(`/collections/parcels/items?crs=${EPSG(2056)}`);
      assert.deepEqual(native.json.features.map((f: { geometry: unknown }) => f.geometry), stored.map((f) => f.geometry));
      const lonLat = await h.get('/collections/parcels/items');
      assert.equal(lonLat.headers.get('content-crs'), `<${CRS84}>`);
      for (const [i, f] of stored.entries()) {
        const ring = (f.geometry as { coordinates: Array<Array<[number, number]>> }).coordinates[0]!;
        const expected = await proj(ring, 'EPSG:2056', 'OGC:CRS84');
        const actual = lonLat.json.features[i].geometry.coordinates[0] as Array<[number, number]>;
        actual.forEach((c, j) => close(c, expected[j]!, 1e-8, `parcel ${i} vertex ${j}`));
      }
      const latLon = await h.get(`/collections/parcels/items/p1?crs=${EPSG(4326)}`);
      const swapped = (lonLat.json.features[1].geometry.coordinates[0] as number[][]).map(([x, y]) => [y, x]);
      (latLon.json.geometry.coordinates[0] as number[][]).forEach((c, j) => close(c, swapped[j]!, 1e-12, `vertex ${j}`));
    });

    it('reads bbox in bbox-crs, in its axis order', async () => {
      const ids = async (q: string) => (await h.get(`/collections/places/items?${q}`)).json.features.map((f: { id: string }) => f.id);
      assert.deepEqual(await ids('bbox=7.3,46.9,7.5,47'), ['t0']);
      assert.deepEqual(await ids(`bbox=46.9,7.3,47,7.5&bbox-crs=${EPSG(4326)}`), ['t0']);
      const [[x, y]] = (await proj([[7.4474, 46.948]], 'OGC:CRS84', 'EPSG:2056')) as [[number, number]];
      assert.deepEqual(await ids(`bbox=${x - 500},${y - 500},${x + 500},${y + 500}&bbox-crs=${EPSG(2056)}`), ['t0']);
      // Parcels near Bern, selected with a box in their own CRS: the middle one only.
      const parcels = (await h.get(`/collections/parcels/items?bbox=2600950,1199950,2601150,1200150&bbox-crs=${EPSG(2056)}`)).json;
      assert.deepEqual(parcels.features.map((f: { id: string }) => f.id), ['p1']);
      assert.equal((await h.get(`/collections/places/items?bbox=1,2,3,4&bbox-crs=${EPSG(25832)}`)).status, 400);
    });

    it('refuses a crs the collection does not offer', async () => {
      const res = await h.get(`/collections/places/items?crs=${EPSG(25832)}`);
      assert.equal(res.status, 400);
      assert.equal(res.json.locator, 'crs');
      assert.equal((await h.get(`/collections/places/items/t0?crs=${EPSG(25832)}`)).status, 400);
    });
  });
}
