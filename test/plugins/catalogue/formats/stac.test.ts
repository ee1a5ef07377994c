import assert from 'node:assert/strict';
import { MeridianError } from '../../../../core/errors.js';
import { geometryBBox } from '../../../../core/storage/db/geometry/index.js';
import type { CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { validateStac } from '../../../helpers/json-schema.js';
import { content, examples, formats, normaliseTimes, stored } from './json-support.js';

const stac = formats.find('stac')!;
const encode = (r: CatalogueRecordInput, options = {}) => stac.toJson!(stored(r), options) as Record<string, any>;

function rejects(text: string, locator: string): void {
  assert.throws(
    () => formats.decode(text, { format: 'stac' }),
    (err: unknown) => err instanceof MeridianError && err.status === 400 && err.code === 'InvalidRecord' && err.locator === locator,
    `expected a 400 naming ${locator}`,
  );
}

const item = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'Feature',
    stac_version: '1.0.0',
    id: 'S1A_IW_GRDH_20200601',
    geometry: { type: 'Polygon', coordinates: [[[10, 40], [12, 40], [12, 42], [10, 42], [10, 40]]] },
    bbox: [10, 40, 12, 42],
    properties: { datetime: '2020-06-01T05:00:00Z', ...properties },
    links: [],
    assets: {},
    ...extra,
  });

describe('STAC format', function () {
  const all = examples('stac/v1.0.0/examples');

  it('finds the official examples', () => {
    assert.ok(all.length >= 10, `found ${all.length}`);
  });

  for (const ex of all) {
    it(`decodes the official example ${ex.name} into records the engine accepts, keeping the text`, () => {
      const { format, records } = formats.decode({ text: ex.text });
      assert.equal(format.name, 'stac');
      assert.equal(records.length, 1);
      const r = stored(records[0]!);
      assert.equal(r.identifier, ex.json.id);
      assert.equal(r.type, ex.json.type === 'Feature' ? 'product' : 'collection');
      assert.deepEqual(r.metadata, { format: 'stac', content: ex.text });
    });

    it(`writes ${ex.name} back valid against the STAC 1.0.0 schema and as received (bar self links)`, () => {
      const r = stored(formats.decode(ex.text).records[0]!);
      const out = stac.toJson!(r, {}) as Record<string, any>;
      const v = validateStac(out);
      assert.ok(v.valid, v.text);
      // The engine computes the bbox from the geometry; the example's may be rounded differently.
      if (out.geometry) assert.deepEqual(out.bbox, geometryBBox(out.geometry));
      const expected = structuredClone(ex.json) as Record<string, any>;
      expected.links = (expected.links as Array<{ rel: string }>).filter((l) => l.rel !== 'self');
      delete expected.bbox;
      delete out.bbox;
      assert.deepEqual(normaliseTimes(out), normaliseTimes(expected));
    });
  }

  it('maps common metadata and the eo, sat, sar, view, processing extensions to the record model', () => {
    const [r] = formats.decode(
      item({
        title: 'A scene',
        description: 'IW GRD over Italy',
        keywords: ['sar', 'italy'],
        start_datetime: '2020-06-01T05:00:00Z',
        end_datetime: '2020-06-01T05:00:25Z',
        created: '2020-06-01T09:00:00Z',
        updated: '2020-06-02T09:00:00Z',
        platform: 'sentinel-1a',
        constellation: 'sentinel-1',
        instruments: ['c-sar'],
        gsd: 20,
        'eo:cloud_cover': 0,
        'sat:orbit_state': 'descending',
        'sat:absolute_orbit': 32900,
        'sat:relative_orbit': 117,
        'sar:polarizations': ['VV', 'VH'],
        'sar:instrument_mode': 'IW',
        'sar:product_type': 'GRD',
        'processing:level': 'L1',
        'view:incidence_angle': 35.5,
        'view:sun_azimuth': 120,
        'view:sun_elevation': 20,
        'view:off_nadir': 1.5,
        'proj:epsg': 32633,
      }),
    ).records;
    assert.deepEqual(content(r!), {
      identifier: 'S1A_IW_GRDH_20200601',
      type: 'product',
      geometry: { type: 'Polygon', coordinates: [[[10, 40], [12, 40], [12, 42], [10, 42], [10, 40]]] },
      title: 'A scene',
      abstract: 'IW GRD over Italy',
      keywords: ['sar', 'italy'],
      creationDate: '2020-06-01T09:00:00.000Z',
      modificationDate: '2020-06-02T09:00:00.000Z',
      platform: 'sentinel-1',
      platformSerialIdentifier: 'sentinel-1a',
      instrument: 'c-sar',
      resolution: 20,
      cloudCover: 0,
      orbitDirection: 'DESCENDING',
      orbitNumber: 32900,
      polarisationChannels: 'VV, VH',
      productType: 'GRD',
      processingLevel: 'L1',
      start: '2020-06-01T05:00:00.000Z',
      end: '2020-06-01T05:00:25.000Z',
      sensorMode: 'IW',
      illuminationAzimuthAngle: 120,
      illuminationElevationAngle: 20,
      properties: {
        relativeOrbitNumber: 117,
        incidenceAngle: 35.5,
        'view:off_nadir': 1.5,
        'proj:epsg': 32633,
      },
    });
  });

  it('writes the extension fields back under their STAC names and declares each extension used', () => {
    const out = encode({
      identifier: 'p',
      type: 'product',
      start: '2020-06-01T05:00:00Z',
      platform: 'Sentinel-2',
      platformSerialIdentifier: 'A',
      instrument: 'MSI',
      cloudCover: 12.5,
      snowCover: 1,
      orbitDirection: 'ASCENDING',
      orbitNumber: 26000,
      processingLevel: 'L2A',
      properties: { relativeOrbitNumber: 8, illuminationElevationAngle: 40, 'proj:epsg': 32631 },
    });
    assert.ok(validateStac(out).valid, validateStac(out).text);
    assert.deepEqual(out.properties, {
      datetime: '2020-06-01T05:00:00.000Z',
      platform: 'Sentinel-2A',
      constellation: 'Sentinel-2',
      instruments: ['MSI'],
      'eo:cloud_cover': 12.5,
      'eo:snow_cover': 1,
      'sat:orbit_state': 'ascending',
      'sat:absolute_orbit': 26000,
      'processing:level': 'L2A',
      'sat:relative_orbit': 8,
      'view:sun_elevation': 40,
      'proj:epsg': 32631,
    });
    for (const ext of ['eo', 'sat', 'view', 'processing', 'projection']) {
      assert.ok((out.stac_extensions as string[]).some((u) => u.includes(`/${ext}/`)), `declares ${ext}`);
    }
  });

  it('a product record survives STAC and back with every field STAC carries', () => {
    const record: CatalogueRecordInput = {
      identifier: 'LC08_L1TP_198030_20200601',
      type: 'product',
      parentIdentifier: 'landsat-8',
      title: 'Landsat 8 scene',
      abstract: 'Path 198 row 30',
      keywords: ['landsat'],
      geometry: { type: 'MultiPolygon', coordinates: [[[[0, 40, 5], [2, 40, 5], [2, 42, 5], [0, 40, 5]]]] },
      start: '2020-06-01T10:00:00.000Z',
      end: '2020-06-01T10:00:30.000Z',
      platform: 'landsat-8',
      instrument: 'oli,tirs',
      resolution: 30,
      cloudCover: 41.5,
      orbitDirection: 'DESCENDING',
      creationDate: '2020-06-02T00:00:00.000Z',
      links: [{ rel: 'license', href: 'https://www.usgs.gov/license', type: 'text/html', title: 'Licence' }],
      assets: { B4: { href: 'https://data.example.org/B4.TIF', type: 'image/tiff; application=geotiff', roles: ['data'], 'eo:bands': [{ name: 'B4' }] } },
      properties: { 'landsat:wrs_path': '198', illuminationAzimuthAngle: 140.2 },
    };
    const out = encode(record, { links: [{ rel: 'collection', href: 'https://cat.example.org/collections/landsat-8', type: 'application/json' }] });
    assert.ok(validateStac(out).valid, validateStac(out).text);
    const [back] = formats.decode(JSON.stringify(out)).records;
    // The Item now declares the extensions it uses; nothing else changed.
    assert.deepEqual(back!.properties!.stac_extensions, ['eo', 'sat', 'view'].map((e) => `https://stac-extensions.github.io/${e}/v1.0.0/schema.json`));
    delete back!.properties!.stac_extensions;
    const expected = { ...record, links: [{ rel: 'collection', href: 'https://cat.example.org/collections/landsat-8', type: 'application/json' }, ...record.links!] };
    assert.deepEqual(content(stored(back!)), content(stored(expected)));
  });

  it('a collection with an open-ended extent keeps it open, in the record and written back', () => {
    const ex = all.find((e) => e.name.endsWith('collection-only/collection.json'))!;
    const r = stored(formats.decode(ex.text).records[0]!);
    assert.equal(r.start, '2015-06-23T00:00:00.000Z');
    assert.equal(r.openEnd, true);
    assert.equal(r.end, undefined);
    const out = stac.toJson!(r, {}) as Record<string, any>;
    assert.deepEqual(out.extent.temporal.interval, [['2015-06-23T00:00:00.000Z', null]]);
    // Summaries give the model its fields.
    assert.equal(r.platform, 'sentinel-2');
    assert.equal(r.instrument, 'msi');
    assert.equal(r.resolution, 10);
  });

  it('a collection received in another encoding gets summaries from its fields, valid STAC', () => {
    const out = encode({ identifier: 'S1', type: 'collection', title: 'Sentinel-1', platform: 'SENTINEL-1', instrument: 'SAR-C', polarisationChannels: 'VV, VH', start: '2014-10-01T00:00:00Z', openEnd: true });
    assert.ok(validateStac(out).valid, validateStac(out).text);
    assert.deepEqual(out.summaries, { platform: ['SENTINEL-1'], instruments: ['SAR-C'], 'sar:polarizations': ['VV', 'VH'] });
    assert.equal(out.license, 'proprietary');
    assert.deepEqual(out.extent, { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [['2014-10-01T00:00:00.000Z', null]] } });
    const back = stored(formats.decode(JSON.stringify(out)).records[0]!);
    assert.equal(back.platform, 'SENTINEL-1');
    assert.equal(back.polarisationChannels, 'VV, VH');
    assert.equal(back.openEnd, true);
  });

  it('a range with a null datetime is written back with a null datetime', () => {
    const r = stored(formats.decode(item({ datetime: null, start_datetime: '2020-01-01T00:00:00Z', end_datetime: '2020-01-31T23:59:59Z' })).records[0]!);
    assert.equal(r.start, '2020-01-01T00:00:00.000Z');
    assert.equal(r.end, '2020-01-31T23:59:59.000Z');
    const out = stac.toJson!(r, {}) as Record<string, any>;
    assert.equal(out.properties.datetime, null);
    assert.ok(validateStac(out).valid, validateStac(out).text);
  });

  it('an ItemCollection decodes into one record per Item, each keeping its own JSON', () => {
    const a = JSON.parse(item({}, { id: 'a' }));
    const b = JSON.parse(item({}, { id: 'b', collection: 'c' }));
    const { records } = formats.decode(JSON.stringify({ type: 'FeatureCollection', features: [a, b] }), { parentIdentifier: 'default' });
    assert.deepEqual(records.map((r) => [r.identifier, r.parentIdentifier]), [['a', 'default'], ['b', 'c']]);
    assert.deepEqual(JSON.parse(records[1]!.metadata!.content), b);
  });

  it('refuses bad Items with 400s naming the field', () => {
    rejects(JSON.stringify({ ...JSON.parse(item({})), id: undefined }), 'id');
    rejects(item({ datetime: 'yesterday' }), 'properties.datetime');
    rejects(item({ datetime: undefined }), 'properties.datetime');
    rejects(item({ 'eo:cloud_cover': 'cloudy' }), 'properties.eo:cloud_cover');
    rejects(item({}, { assets: { thumb: { type: 'image/png' } } }), 'assets.thumb.href');
    rejects(item({}, { geometry: { type: 'Circle' } }), 'geometry');
    const good = JSON.parse(item({}));
    rejects(JSON.stringify({ type: 'FeatureCollection', features: [good, { ...good, id: 'x', properties: { datetime: 5 } }] }), 'features[1].properties.datetime');
  });

  it('has no document for service and application records (406)', () => {
    assert.throws(() => stac.toJson!(stored({ identifier: 'wms', type: 'service' }), {}), (e: unknown) => e instanceof MeridianError && e.status === 406);
  });
});
