/**
 * GetFeatureInfo: the values under a map pixel equal the source pixel (values.tif holds
 * column + 1000 * row; gdallocationinfo reads the file independently), in every INFO_FORMAT,
 * with I/J in 1.3.0 and X/Y in 1.1.1, several QUERY_LAYERS, and no data outside the raster.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fixtures, get, projTransform, run, startWms, xpath, type WmsHarness } from './support.js';

const UTM_MAP = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', LAYERS: 'values', QUERY_LAYERS: 'values', STYLES: '', CRS: 'EPSG:32631', BBOX: '500000,5920000,600000,6000000', WIDTH: '100', HEIGHT: '80', FORMAT: 'image/png' };

interface FeatureCollection {
  type: string;
  features: Array<{ type: string; id: string; geometry: { type: string; coordinates: [number, number] } | null; properties: Record<string, unknown> }>;
}

describe('wms GetFeatureInfo', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  before(async () => {
    h = await startWms();
  });
  after(async () => h?.close());

  const info = async (params: Record<string, string>) => {
    const res = await get(h.url, params);
    assert.equal(res.status, 200, res.text);
    return res;
  };
  const json = async (params: Record<string, string>) => JSON.parse((await info({ ...params, INFO_FORMAT: 'application/json' })).text) as FeatureCollection;

  it('gives the source pixel value at I/J of a map on the native grid, in every INFO_FORMAT', async () => {
    // Map pixel (37, 21) is source pixel (37, 21): value 37 + 1000 * 21.
    const at = { ...UTM_MAP, I: '37', J: '21' };
    const collection = await json(at);
    assert.equal(collection.type, 'FeatureCollection');
    assert.equal(collection.features.length, 1);
    const feature = collection.features[0]!;
    assert.equal(feature.id, 'values');
    assert.equal(feature.properties.layer, 'values');
    assert.equal(feature.properties.band1, 21037);
    assert.equal(feature.properties.pixel_column, 37);
    assert.equal(feature.properties.pixel_row, 21);
    // The point in CRS:84, where PROJ puts the pixel's centre.
    const [[lon, lat]] = await projTransform('EPSG:32631', 'EPSG:4326', [[537500, 5978500]]);
    assert.equal(feature.geometry?.type, 'Point');
    assert.ok(Math.abs(feature.geometry!.coordinates[0] - lon!) < 1e-6 && Math.abs(feature.geometry!.coordinates[1] - lat!) < 1e-6);

    const plain = await info({ ...at, INFO_FORMAT: 'text/plain' });
    assert.match(plain.contentType, /^text\/plain/);
    assert.match(plain.text, /Layer 'values' \(Values\)/);
    assert.match(plain.text, /band1 = 21037/);

    const html = await info({ ...at, INFO_FORMAT: 'text/html' });
    assert.match(html.contentType, /^text\/html/);
    assert.match(html.text, /<th>band1<\/th><td>21037<\/td>/);

    const xml = await info({ ...at, INFO_FORMAT: 'text/xml' });
    assert.match(xml.contentType, /^text\/xml/);
    assert.deepEqual(xpath(xml.text, "/GetFeatureInfoResponse/Layer[@name='values']/Band[@name='band1']"), ['21037']);
    assert.deepEqual(xpath(xml.text, '/GetFeatureInfoResponse/Layer/Pixel/@column'), ['37']);
  });

  it('agrees with GDAL at the pixel centre of a map in another CRS (EPSG:4326, latitude first)', async () => {
    const dir = await fixtures();
    // A lat/lon box over the grid; 1.3.0 EPSG:4326 BBOX is minlat,minlon,maxlat,maxlon.
    const [minLat, minLon, maxLat, maxLon] = [53.45, 3.05, 54.1, 4.5];
    const width = 145;
    const height = 65;
    for (const [i, j] of [[6, 6], [70, 30], [128, 55]] as const) {
      const lon = minLon + ((i + 0.5) * (maxLon - minLon)) / width;
      const lat = maxLat - ((j + 0.5) * (maxLat - minLat)) / height;
      const gdal = await run('gdallocationinfo', ['-valonly', '-wgs84', path.join(dir, 'values.tif'), String(lon), String(lat)]);
      assert.equal(gdal.code, 0, gdal.stderr);
      const expected = Number(gdal.stdout.trim());
      const collection = await json({
        ...UTM_MAP, CRS: 'EPSG:4326', BBOX: [minLat, minLon, maxLat, maxLon].join(','), WIDTH: String(width), HEIGHT: String(height), I: String(i), J: String(j),
      });
      assert.equal(collection.features[0]?.properties.band1, expected, `pixel (${i}, ${j}) at ${lon} E ${lat} N`);
    }
  });

  it('reads X/Y in 1.1.1 and INFO_FORMAT defaults to text/plain there', async () => {
    const { CRS: _crs, ...map } = UTM_MAP;
    const res = await info({ ...map, VERSION: '1.1.1', SRS: 'EPSG:32631', X: '5', Y: '6' });
    assert.match(res.contentType, /^text\/plain/);
    assert.match(res.text, /band1 = 6005/);
  });

  it('answers each of several QUERY_LAYERS, RGB bands included, and no data outside a raster', async () => {
    const params = {
      SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetFeatureInfo', LAYERS: 'pattern,series', QUERY_LAYERS: 'pattern,series', STYLES: '', CRS: 'CRS:84',
      BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200', FEATURE_COUNT: '5',
    };
    // (50, 50) is 5.05 E 54.95 N: the red square, outside the series (0..10 E, 40..50 N).
    const red = await json({ ...params, I: '50', J: '50' });
    assert.deepEqual(red.features.map((f) => f.id), ['pattern']);
    const bands = Object.entries(red.features[0]!.properties).filter(([k]) => !['layer', 'pixel_column', 'pixel_row'].includes(k)).map(([, v]) => v);
    assert.deepEqual(bands, [255, 0, 0]);
    const plain = await info({ ...params, I: '50', J: '50', INFO_FORMAT: 'text/plain' });
    assert.match(plain.text, /Layer 'series' \(Series\)\n(  .*\n)*  no data/);
    // (50, 150) is 5.05 E 44.95 N: grey pattern, and the series' latest instant (blue 200).
    const both = await json({ ...params, I: '50', J: '150' });
    assert.deepEqual(both.features.map((f) => f.id), ['pattern', 'series']);
    const series = both.features[1]!.properties;
    assert.deepEqual(Object.entries(series).filter(([k]) => !['layer', 'pixel_column', 'pixel_row', 'time', 'product'].includes(k)).map(([, v]) => v), [0, 0, 200]);
    const january = await json({ ...params, I: '50', J: '150', TIME: '2020-01-01' });
    assert.deepEqual(Object.entries(january.features[1]!.properties).filter(([k]) => !['layer', 'pixel_column', 'pixel_row', 'time', 'product'].includes(k)).map(([, v]) => v), [200, 0, 0]);
  });
});
