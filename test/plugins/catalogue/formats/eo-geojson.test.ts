import assert from 'node:assert/strict';
import { MeridianError } from '../../../../core/errors.js';
import { sampleRecords } from '../../../../plugins/catalogue/sample-data.js';
import type { CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { validateEoGeoJson, validateStac } from '../../../helpers/json-schema.js';
import { content, examples, formats, normaliseTimes, stored } from './json-support.js';

const eo = formats.find('ogc17-003')!;
const encode = (r: CatalogueRecordInput, options = {}) => eo.toJson!(stored(r), options) as Record<string, any>;
const decodeOne = (doc: unknown, options = {}) => formats.decode(JSON.stringify(doc), { format: 'ogc17-003', ...options }).records[0]!;

function rejects(doc: unknown, locator: string): void {
  assert.throws(
    () => formats.decode(JSON.stringify(doc), { format: 'ogc17-003' }),
    (err: unknown) => err instanceof MeridianError && err.status === 400 && err.code === 'InvalidRecord' && err.locator === locator,
    `expected a 400 naming ${locator}`,
  );
}

function assertValid(doc: unknown): void {
  const v = validateEoGeoJson(doc);
  assert.ok(v.valid, v.text);
}

/**
 * Valid but for the one place the ETS schema disagrees with OWS Context (OGC 14-055r2), which
 * 17-003 cites for offerings: it wants operation codes to be URIs, where OWS Context (and
 * 17-003's own examples) name operations 'GetCapabilities', 'GetMap'. Offerings are written in
 * OWS Context form.
 */
function assertValidButOperationCodes(doc: unknown): void {
  const v = validateEoGeoJson(doc);
  // Errors inside the Feature (the others are the FeatureCollection branch of the root oneOf).
  const inFeature = v.errors.filter((e) => e.instancePath.startsWith('/properties') || e.instancePath.startsWith('/geometry'));
  assert.ok(inFeature.length > 0 && inFeature.every((e) => /^\/properties\/offerings\/\d+\/operations\/\d+\/code$/.test(e.instancePath) && e.keyword === 'format'), v.text);
  const withoutOfferings = structuredClone(doc) as { properties: Record<string, unknown> };
  delete withoutOfferings.properties.offerings;
  assertValid(withoutOfferings);
}

/** A product with every kind of field the encoding nests, including values its schema refuses in place. */
const richProduct: CatalogueRecordInput = {
  identifier: 'S1A_IW_GRDH_1SDV_20200601T052233',
  type: 'product',
  parentIdentifier: 'S1_GRD',
  title: 'Sentinel-1A IW GRD',
  keywords: ['sar', 'Italy'],
  geometry: { type: 'Polygon', coordinates: [[[10, 40], [12.5, 40.2], [12.2, 42], [9.8, 41.8], [10, 40]]] },
  start: '2020-06-01T05:22:33.000Z',
  end: '2020-06-01T05:22:58.000Z',
  platform: 'Sentinel-1',
  platformSerialIdentifier: 'A',
  instrument: 'SAR-C',
  sensorType: 'RADAR',
  productType: 'GRD',
  processingLevel: 'LEVEL1',
  orbitNumber: 32900,
  orbitDirection: 'DESCENDING',
  polarisationChannels: 'VV, VH',
  acquisitionType: 'NOMINAL',
  resolution: 20,
  status: 'ARCHIVED',
  creationDate: '2020-06-01T07:00:00.000Z',
  modificationDate: '2020-06-02T07:00:00.000Z',
  links: [
    { rel: 'enclosure', href: 'https://data.example.org/S1A.zip', type: 'application/zip', title: 'Download', length: 1024 },
    { rel: 'icon', href: 'https://data.example.org/S1A.png', type: 'image/png', title: 'Quicklook', category: 'QUICKLOOK' },
    { rel: 'describedby', href: 'https://data.example.org/S1A.xml', type: 'application/xml' },
  ],
  offerings: [
    {
      code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms',
      operations: [{ code: 'GetMap', method: 'GET', href: 'https://maps.example.org/wms?SERVICE=WMS&REQUEST=GetMap&LAYERS=S1A', type: 'image/png' }],
    },
  ],
  assets: { metadata: { href: 'https://data.example.org/manifest.safe', type: 'application/xml', roles: ['metadata'] } },
  properties: {
    operationalMode: 'IW',
    relativeOrbitNumber: 117,
    swathIdentifier: 'IW',
    antennaLookDirection: 'RIGHT',
    incidenceAngle: 35.5,
    minimumIncidenceAngle: 30,
    size: 1024,
    timeliness: 'NRT-3h',
    doi: '10.5270/S1-abcd',
    platformId: 'https://gcmd.example.org/platform/s1a',
    // Not valid where 17-003 nests it (an integer there): set aside, and back.
    cycleNumber: 12.5,
    additionalAttributes: { uuid: '615e550d' },
  },
};

describe('OGC 17-003 / 17-084 EO GeoJSON format', function () {
  const all = examples('ogc/eo-geojson/1.0/examples');

  it('finds the official examples', () => {
    assert.ok(all.length >= 4, `found ${all.length}`);
  });

  for (const ex of all) {
    it(`decodes the official example ${ex.name}, writes it back valid and as received`, () => {
      assertValid(ex.json);
      const { format, records } = formats.decode({ text: ex.text });
      assert.equal(format.name, 'ogc17-003');
      const members = (ex.json.type === 'FeatureCollection' ? ex.json.features : [ex.json]) as Array<Record<string, any>>;
      assert.equal(records.length, members.length);
      records.forEach((input, i) => {
        const r = stored(input);
        const original = members[i]!;
        assert.equal(r.identifier, original.properties.identifier);
        assert.equal(r.metadata!.content, members.length === 1 ? ex.text : JSON.stringify(original));
        const out = eo.toJson!(r, { selfUrl: original.id }) as Record<string, any>;
        assertValid(out);
        // The engine computes bbox from the geometry; `kind` is added (a Dataset).
        const expected = structuredClone(original);
        delete expected.bbox;
        delete out.bbox;
        assert.equal(out.properties.kind, 'http://purl.org/dc/dcmitype/Dataset');
        delete out.properties.kind;
        assert.deepEqual(normaliseTimes(out), normaliseTimes(expected));
      });
    });
  }

  it('reads the Sentinel-2 example into the model fields', () => {
    const r = stored(formats.decode(all.find((e) => e.name.endsWith('example-4-sentinel.json'))!.text).records[0]!);
    assert.deepEqual(
      {
        platform: r.platform,
        serial: r.platformSerialIdentifier,
        instrument: r.instrument,
        sensorType: r.sensorType,
        productType: r.productType,
        processingLevel: r.processingLevel,
        cloudCover: r.cloudCover,
        orbitNumber: r.orbitNumber,
        orbitDirection: r.orbitDirection,
        acquisitionType: r.acquisitionType,
        start: r.start,
        parent: r.parentIdentifier,
        status: r.status,
      },
      {
        platform: 'Sentinel-2',
        serial: 'A',
        instrument: 'MSI',
        sensorType: 'OPTICAL',
        productType: 'S2MSI1C',
        processingLevel: '1C',
        cloudCover: 95,
        orbitNumber: 17724,
        orbitDirection: 'DESCENDING',
        acquisitionType: 'NOMINAL',
        start: '2018-11-13T13:00:31.024Z',
        parent: 'EOP:ESA:SCIHUB:S2',
        status: 'ARCHIVED',
      },
    );
    assert.deepEqual(r.links?.find((l) => l.rel === 'enclosure')?.title, 'Download');
    assert.equal(r.properties?.tileId, '26SKJ');
  });

  it('writes a product with platform, instrument, orbit, product information, links, offerings and enclosures, valid', () => {
    const out = encode(richProduct, {
      selfUrl: 'https://cat.example.org/collections/S1_GRD/items/S1A',
      links: [
        { rel: 'self', href: 'https://cat.example.org/collections/S1_GRD/items/S1A', type: 'application/geo+json' },
        { rel: 'alternate', href: 'https://cat.example.org/collections/S1_GRD/items/S1A?f=stac', type: 'application/geo+json', title: 'STAC' },
        { rel: 'collection', href: 'https://cat.example.org/collections/S1_GRD', type: 'application/geo+json' },
      ],
    });
    assertValidButOperationCodes(out);
    const p = out.properties;
    assert.equal(out.id, 'https://cat.example.org/collections/S1_GRD/items/S1A');
    assert.deepEqual(out.bbox, [9.8, 40, 12.5, 42]);
    assert.equal(p.date, '2020-06-01T05:22:33.000Z/2020-06-01T05:22:58.000Z');
    assert.equal(p.updated, '2020-06-02T07:00:00.000Z');
    assert.deepEqual(p.acquisitionInformation, [
      {
        platform: { platformShortName: 'Sentinel-1', platformSerialIdentifier: 'A', id: 'https://gcmd.example.org/platform/s1a' },
        instrument: { instrumentShortName: 'SAR-C', sensorType: 'RADAR' },
        acquisitionParameters: {
          acquisitionType: 'NOMINAL',
          orbitNumber: 32900,
          orbitDirection: 'DESCENDING',
          polarisationChannels: 'VV, VH',
          resolution: 20,
          relativeOrbitNumber: 117,
          antennaLookDirection: 'RIGHT',
          operationalMode: 'IW',
          swathIdentifier: 'IW',
          acquisitionAngles: { incidenceAngle: 35.5, minimumIncidenceAngle: 30 },
          beginningDateTime: '2020-06-01T05:22:33.000Z',
          endingDateTime: '2020-06-01T05:22:58.000Z',
        },
      },
    ]);
    assert.deepEqual(p.productInformation, { productType: 'GRD', size: 1024, timeliness: 'NRT-3h', availabilityTime: '2024-05-01T10:00:00.000Z' });
    // Values the schema refuses in place wait in additionalAttributes.
    assert.deepEqual(p.additionalAttributes, { uuid: '615e550d', processingLevel: 'LEVEL1', cycleNumber: 12.5 });
    assert.deepEqual(p.links, {
      alternates: [{ href: 'https://cat.example.org/collections/S1_GRD/items/S1A?f=stac', type: 'application/geo+json', title: 'STAC' }],
      up: [{ href: 'https://cat.example.org/collections/S1_GRD', type: 'application/geo+json' }],
      data: [{ href: 'https://data.example.org/S1A.zip', type: 'application/zip', title: 'Download', length: 1024 }],
      previews: [{ href: 'https://data.example.org/S1A.png', type: 'image/png', title: 'Quicklook', category: 'QUICKLOOK' }],
      describedby: [{ href: 'https://data.example.org/S1A.xml', type: 'application/xml' }],
      via: [{ href: 'https://data.example.org/manifest.safe', type: 'application/xml', title: 'metadata' }],
    });
    assert.deepEqual(p.offerings, richProduct.offerings);
    assert.equal(p.doi, '10.5270/S1-abcd');
  });

  it('a product record survives 17-003 and back, gaining only the members the schema requires', () => {
    const back = stored(decodeOne(encode(richProduct)));
    // productInformation needs an availabilityTime: the time the catalogue stored the record.
    const expected = { ...richProduct, properties: { ...richProduct.properties, availabilityTime: '2024-05-01T10:00:00.000Z' } };
    assert.deepEqual(content(back), content(stored(expected)));
  });

  it('writes collections as 17-084 features (kind Collection, abstract, open-ended date), valid and read back', () => {
    const collection: CatalogueRecordInput = {
      identifier: 'EOP:ESA:SENTINEL-2',
      type: 'collection',
      title: 'Sentinel-2 MSI',
      abstract: 'Multi-spectral imagery',
      keywords: ['optical'],
      geometry: { type: 'Polygon', coordinates: [[[-180, -56], [180, -56], [180, 83], [-180, 83], [-180, -56]]] },
      start: '2015-06-23T00:00:00.000Z',
      openEnd: true,
      platform: 'Sentinel-2',
      instrument: 'MSI',
      sensorType: 'OPTICAL',
      processingLevel: '1C',
      properties: { rights: 'Copernicus licence', lang: 'en', publisher: 'ESA' },
    };
    const out = encode(collection);
    assertValid(out);
    assert.equal(out.id, 'EOP:ESA:SENTINEL-2');
    assert.equal(out.properties.kind, 'http://purl.org/dc/dcmitype/Collection');
    assert.equal(out.properties.date, '2015-06-23T00:00:00.000Z/..');
    assert.equal(out.properties.abstract, 'Multi-spectral imagery');
    assert.deepEqual(out.properties.keyword, ['optical']);
    const back = stored(decodeOne(out));
    // Required members written from what the catalogue knows: status, updated, availabilityTime.
    const required = { status: 'ARCHIVED', modificationDate: '2024-05-01T10:00:00.000Z', properties: { ...collection.properties, availabilityTime: '2024-05-01T10:00:00.000Z' } };
    assert.deepEqual(content(back), content(stored({ ...collection, ...required })));
    // 17-084 also writes the abstract per media type and keywords as categories.
    const r = decodeOne({ ...out, properties: { ...out.properties, abstract: { 'text/plain': 'Plain' }, categories: [{ term: 'https://gcmd/x', label: 'Land' }] } });
    assert.equal(r.abstract, 'Plain');
    assert.deepEqual(r.keywords, ['optical', 'Land']);
  });

  it('tells service and application records by kind, and takes a default type for features that do not say', () => {
    const service = encode({ identifier: 'wms-1', type: 'service', title: 'A WMS' });
    assertValid(service);
    assert.equal(decodeOne(service).type, 'service');
    assert.equal(decodeOne(encode({ identifier: 'ndvi', type: 'application' })).type, 'application');
    const plain = { type: 'Feature', id: 'x', geometry: null, properties: { identifier: 'x', title: 'untyped' } };
    assert.equal(decodeOne(plain).type, 'product');
    assert.equal(decodeOne(plain, { defaultType: 'collection' }).type, 'collection');
    assert.equal(decodeOne({ ...plain, properties: { ...plain.properties, kind: 'http://purl.org/dc/dcmitype/Dataset' } }, { defaultType: 'collection' }).type, 'product');
  });

  it('every generated sample record is written valid in both JSON encodings', () => {
    for (const input of sampleRecords(200)) {
      const r = stored(input);
      const v = validateEoGeoJson(eo.toJson!(r, { selfUrl: `https://cat.example.org/records/${r.identifier}` }));
      assert.ok(v.valid, `${r.identifier}: ${v.text}`);
      const s = validateStac(formats.find('stac')!.toJson!(r, {}));
      assert.ok(s.valid, `${r.identifier}: ${s.text}`);
    }
  });

  it('writes a GeometryCollection as the Multi* of its polygons and drops heights, as the schema wants', () => {
    const out = encode({
      identifier: 'g',
      type: 'product',
      start: '2020-01-01T00:00:00Z',
      geometry: {
        type: 'GeometryCollection',
        geometries: [
          { type: 'Polygon', coordinates: [[[0, 0, 10], [1, 0, 10], [1, 1, 10], [0, 0, 10]]] },
          { type: 'Point', coordinates: [5, 5] },
          { type: 'Polygon', coordinates: [[[2, 2], [3, 2], [3, 3], [2, 2]]] },
        ],
      },
    });
    assertValid(out);
    assert.deepEqual(out.geometry, { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [3, 3], [2, 2]]]] });
  });

  it('a FeatureCollection decodes into one record per feature, products taking the given collection', () => {
    const f = (id: string) => ({ type: 'Feature', id, geometry: null, properties: { identifier: id, title: id, date: '2020-01-01T00:00:00Z' } });
    const { records } = formats.decode(JSON.stringify({ type: 'FeatureCollection', features: [f('a'), f('b')] }), { parentIdentifier: 'C' });
    assert.deepEqual(records.map((r) => [r.identifier, r.parentIdentifier, r.start]), [['a', 'C', '2020-01-01T00:00:00Z'], ['b', 'C', '2020-01-01T00:00:00Z']]);
  });

  it('refuses bad features with 400s naming the field', () => {
    const good = { type: 'Feature', id: 'urn:x', geometry: null, properties: { identifier: 'x', title: 'x', date: '2020-01-01T00:00:00Z' } };
    rejects({ ...good, type: 'Point' }, 'type');
    rejects({ ...good, properties: undefined }, 'properties');
    rejects({ ...good, id: undefined, properties: { title: 'no id' } }, 'properties.identifier');
    rejects({ ...good, properties: { ...good.properties, date: 'June' } }, 'properties.date');
    rejects({ ...good, properties: { ...good.properties, productInformation: { cloudCover: 'lots' } } }, 'properties.productInformation.cloudCover');
    rejects({ ...good, properties: { ...good.properties, acquisitionInformation: [{ acquisitionParameters: { orbitNumber: 'x' } }] } }, 'properties.acquisitionInformation[0].acquisitionParameters.orbitNumber');
    rejects({ ...good, properties: { ...good.properties, links: { data: [{ title: 'no href' }] } } }, 'properties.links.data[0].href');
    rejects({ ...good, properties: { ...good.properties, offerings: [{ operations: [] }] } }, 'properties.offerings[0].code');
    rejects({ type: 'FeatureCollection', features: [good, { ...good, geometry: { type: 'Nope' } }] }, 'features[1].geometry');
  });
});
