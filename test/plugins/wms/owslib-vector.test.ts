/**
 * OWSLib's WebMapService with vector layers, 1.3.0 and 1.1.1: the collections in its contents
 * (title, queryable, WGS 84 box, styles, time positions), a mixed getmap() (the raster pattern
 * under zones, roads and places) that decodes to the right colours in the right places, and a
 * getfeatureinfo() answering the forest's attributes beside the raster's values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, featuresOf, GREY, PYTHON, run, startWms, type WmsHarness } from './support.js';
import { CITY, createVectorFixtures, FOREST, LAKE, ROAD, VECTOR_STYLES } from './vector-fixtures.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/owslib_vector.py', import.meta.url));

interface Report {
  layers: Record<string, { title: string; queryable: number; bboxWGS84: number[] | null; styles: string[]; timepositions: string[] | null }>;
  contentType: string;
  featureinfo: { type: string; features: Array<{ id: string; properties: Record<string, unknown> }> };
}

describe('wms vector layers with OWSLib WebMapService', function () {
  this.timeout(120_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    h = await startWms({ features: {}, wms: { vectorStyles: VECTOR_STYLES } });
    await createVectorFixtures(featuresOf(h));
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-owslib-vector-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [version, crs, bbox] of [
    ['1.3.0', 'CRS:84', [0, 40, 20, 60]],
    // OWSLib takes x/y and writes EPSG:4326 latitude first in 1.3.0 itself.
    ['1.3.0', 'EPSG:4326', [0, 40, 20, 60]],
    ['1.1.1', 'EPSG:4326', [0, 40, 20, 60]],
  ] as const) {
    it(`${version} ${crs}: lists the vector layers, and a mixed getmap() and getfeatureinfo() answer them`, async () => {
      const png = path.join(dir, `map-${version}-${crs.replace(':', '')}.png`);
      // The forest's pixel: lon 1.6, lat 46.4 on a 200 x 200 map of lon 0..20, lat 40..60.
      const res = await run(PYTHON, [SCRIPT, h.url, version, png, crs, ...bbox.map(String), '16', '136']);
      assert.equal(res.code, 0, `OWSLib failed:\n${res.stderr}\n${res.stdout}`);
      const report = JSON.parse(res.stdout) as Report;
      const zones = report.layers.zones!;
      assert.equal(zones.title, 'Zones');
      assert.equal(Number(zones.queryable), 1);
      assert.deepEqual(zones.bboxWGS84?.slice(0, 4), [1, 41, 18, 47]);
      assert.deepEqual(zones.styles, ['kinds', 'labelled']);
      assert.ok(report.layers.roads && report.layers.places && report.layers.parcels);
      assert.equal(report.layers.secret_zones, undefined);

      assert.equal(report.contentType, 'image/png');
      const image = await decode(readFileSync(png));
      assert.deepEqual([image.width, image.height], [200, 200]);
      assert.deepEqual(image.at(16, 136), FOREST);
      assert.deepEqual(image.at(150, 150), LAKE);
      assert.deepEqual(image.at(100, 30), ROAD);
      assert.deepEqual(image.at(50, 80), CITY);
      assert.deepEqual(image.at(100, 100), GREY);

      assert.deepEqual(report.featureinfo.features.map((f) => f.id), ['zones.1', 'pattern']);
      assert.deepEqual(report.featureinfo.features[0]!.properties, { name: 'Alpha', kind: 'forest', area_km2: 330000 });
    });
  }
});
