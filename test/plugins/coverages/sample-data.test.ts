/** The generated sample rasters: valid COGs where they say they are, the same bytes every time, written once to a blob store. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFsBlobStore } from '../../../core/storage/blobs/fs.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import { ELEVATION, LANDCOVER, generateSampleRasters, writeSampleRasters, type SampleRaster } from '../../../plugins/coverages/sample-data.js';
import { gdalinfoJson, PYTHON, readWithGdal, validateCog } from './encode/support.js';

/** gdallocationinfo's values at a georeferenced point (in the file's CRS). */
function valuesAt(path: string, x: number, y: number): number[] {
  const out = execFileSync('gdallocationinfo', ['-valonly', '-geoloc', path, String(x), String(y)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

describe('coverages sample rasters', function () {
  this.timeout(60_000);
  let dir: string;
  let samples: SampleRaster[];
  const paths: Record<string, string> = {};
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-samples-'));
    samples = generateSampleRasters();
    for (const s of samples) {
      paths[s.name] = join(dir, s.name);
      writeFileSync(paths[s.name]!, s.body);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are the same bytes on every generation', () => {
    const digest = (list: SampleRaster[]) => list.map((s) => createHash('sha256').update(s.body).digest('hex'));
    assert.deepEqual(digest(generateSampleRasters()), digest(samples));
  });

  it('are valid COGs by GDAL\'s validator, with overviews, deflate and a predictor', () => {
    for (const s of samples) {
      const validation = validateCog(paths[s.name]!);
      assert.ok(validation.valid, `${s.name}: ${validation.output}`);
      const structure = gdalinfoJson(paths[s.name]!).metadata.IMAGE_STRUCTURE;
      assert.equal(structure.LAYOUT, 'COG');
      assert.equal(structure.COMPRESSION, 'DEFLATE');
      assert.equal(structure.PREDICTOR, s.name === ELEVATION.name ? '3' : '2');
    }
  });

  it('the land cover image is RGB in UTM 32N, 10 m pixels from 460000 E 5260000 N, with three overviews', () => {
    const info = gdalinfoJson(paths[LANDCOVER.name]!);
    assert.deepEqual(info.size, [2048, 2048]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32632\]\]$/);
    assert.deepEqual(info.geoTransform, [460000, 10, 0, 5260000, 0, -10]);
    assert.deepEqual(info.bands.map((b: { colorInterpretation: string }) => b.colorInterpretation), ['Red', 'Green', 'Blue']);
    assert.deepEqual(info.bands.map((b: { description: string }) => b.description), ['red', 'green', 'blue']);
    assert.deepEqual(info.bands[0].overviews.map((o: { size: number[] }) => o.size), [[1024, 1024], [512, 512], [256, 256]]);
    assert.deepEqual(info.bands[0].block, [256, 256]);
  });

  it('the land cover image marks its corners and the UTM kilometre lines where they are', () => {
    const path = paths[LANDCOVER.name]!;
    const { markers, line } = LANDCOVER;
    // Points 100 m inside each corner.
    assert.deepEqual(valuesAt(path, 460100, 5259900), [...markers.nw]);
    assert.deepEqual(valuesAt(path, 480380, 5259900), [...markers.ne]);
    assert.deepEqual(valuesAt(path, 460100, 5239620), [...markers.sw]);
    assert.deepEqual(valuesAt(path, 480380, 5239620), [...markers.se]);
    // Kilometre lines: the 10 m pixels east and south of each whole kilometre (columns and rows 0, 100, 200...).
    for (const [x, y] of [[465005, 5255555], [473333, 5249995], [478005, 5241995]]) assert.deepEqual(valuesAt(path, x, y), [...line], `${x} ${y}`);
    // and not beside them.
    assert.notDeepEqual(valuesAt(path, 465015, 5255555), [...line]);
  });

  it('the elevation grid is float32 metres in EPSG:4326 over 7-8 E 45.5-46.5 N, with voids as nodata', () => {
    const path = paths[ELEVATION.name]!;
    const info = gdalinfoJson(path);
    assert.deepEqual(info.size, [1024, 1024]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
    assert.deepEqual(info.geoTransform, [7, 1 / 1024, 0, 46.5, 0, -1 / 1024]);
    const band = info.bands[0];
    assert.equal(band.type, 'Float32');
    assert.equal(band.noDataValue, -9999);
    assert.equal(band.description, 'elevation');
    assert.equal(band.unit, 'm');
    assert.deepEqual(band.overviews.map((o: { size: number[] }) => o.size), [[512, 512], [256, 256]]);
    const stats = JSON.parse(execFileSync('gdalinfo', ['-json', '-stats', '-nomd', '--config', 'GDAL_PAM_ENABLED', 'NO', path], { encoding: 'utf8' }));
    const { minimum, maximum } = stats.bands[0];
    assert.ok(minimum >= ELEVATION.min && maximum <= ELEVATION.max, `${minimum}..${maximum}`);
    assert.ok(maximum - minimum > 3000, 'mountains have relief');
    const matterhorn = valuesAt(path, 7.6586, 45.9763)[0]!;
    assert.ok(matterhorn >= ELEVATION.min && matterhorn <= ELEVATION.max);
    const read = readWithGdal([path])[path]!;
    assert.ok(read.bands[0]!.overviews.every((o) => o.emptyIsNodata && o.meanError < 0.01));
    // A few voids, less than 1% of the cells.
    const voids = Number(execFileSync(PYTHON, ['-c', 'import sys; from osgeo import gdal; print(int((gdal.Open(sys.argv[1]).ReadAsArray() == -9999).sum()))', path], { encoding: 'utf8' }));
    assert.ok(voids > 100 && voids < 1024 * 1024 * 0.01, `${voids} nodata cells`);
  });

  it('are written to a blob store once, and again only when the store lacks one', async () => {
    const store: BlobStore = await openFsBlobStore({ root: join(dir, 'blobs') });
    const keys = await writeSampleRasters(store);
    assert.deepEqual(keys, ['coverages/samples/landcover-zurich.tif', 'coverages/samples/elevation-valais.tif']);
    const first = await Promise.all(keys.map((k) => store.head(k)));
    assert.deepEqual(first.map((i) => i?.size), samples.map((s) => s.body.length));
    assert.ok(first.every((i) => i?.contentType?.startsWith('image/tiff')));
    assert.deepEqual(await writeSampleRasters(store), keys);
    const second = await Promise.all(keys.map((k) => store.head(k)));
    assert.deepEqual(second.map((i) => i?.lastModified.getTime()), first.map((i) => i?.lastModified.getTime()));
    await store.delete(keys[1]!);
    await writeSampleRasters(store);
    assert.equal((await store.head(keys[1]!))?.size, samples[1]!.body.length);
    await store.close?.();
  });
});
