import assert from 'node:assert/strict';
import { NS } from '../../../../core/ows/index.js';
import { ADDED_EO_FIELDS } from '../../../../plugins/catalogue/eo-fields.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { validateEoGeoJson, validateStac } from '../../../helpers/json-schema.js';
import { assertValid, encode, formats, stored, xpath } from './xml-support.js';

/** A radar product with every product-level field OpenSearch EO (13-026r9 tables 5 and 6) searches. */
const radar: CatalogueRecordInput = {
  identifier: 'S1A_IW_GRDH_1SDV_20200601T052233',
  type: 'product',
  title: 'Sentinel-1A IW GRD',
  geometry: { type: 'Polygon', coordinates: [[[10, 40], [12.5, 40.2], [12.2, 42], [9.8, 41.8], [10, 40]]] },
  start: '2020-06-01T05:22:33.000Z',
  end: '2020-06-01T05:22:58.000Z',
  platform: 'Sentinel-1',
  platformSerialIdentifier: 'A',
  instrument: 'SAR-C',
  sensorType: 'RADAR',
  productType: 'GRD',
  orbitNumber: 32900,
  orbitDirection: 'DESCENDING',
  polarisationChannels: 'VV, VH',
  acquisitionType: 'NOMINAL',
  status: 'ARCHIVED',
  doi: '10.5270/S1-grd-32900',
  orbitType: 'LEO',
  track: '117',
  frame: '24',
  swathIdentifier: 'IW',
  sensorMode: 'IW',
  polarisationMode: 'D',
  antennaLookDirection: 'RIGHT',
  minimumIncidenceAngle: 30.1,
  maximumIncidenceAngle: 45.9,
  incidenceAngleVariation: 15.8,
  dopplerFrequency: 5405000000,
  startTimeFromAscendingNode: 1200000,
  completionTimeFromAscendingNode: 1225000,
  acquisitionStation: 'MTI',
  acquisitionSubType: 'DEFAULT',
  productVersion: '003.20',
  productQualityStatus: 'DEGRADED',
  productQualityDegradationTag: 'RADIOMETRY',
  processorName: 'Sentinel-1 IPF',
  processingCenter: 'ESRIN',
  processingDate: '2020-06-01T08:00:00.000Z',
  processingMode: 'OFFLINE',
  archivingCenter: 'DPA',
  availabilityTime: '2020-06-01T08:10:00.000Z',
  compositeType: 'P1D',
  lowestLocation: 0,
  highestLocation: 120,
  links: [{ rel: 'enclosure', href: 'https://data.example.org/S1A.zip', type: 'application/zip', title: 'SAFE archive' }],
  // EOP writes the archiving centre only with its (mandatory) archiving date.
  properties: { archivingDate: '2020-06-01T09:00:00.000Z' },
};

/** An optical product: the sun and the wavelengths. */
const optical: CatalogueRecordInput = {
  identifier: 'S2B_MSIL1C_20220812T103629',
  type: 'product',
  geometry: { type: 'Polygon', coordinates: [[[4.4, 48.6], [5.9, 48.6], [5.9, 49.6], [4.4, 49.6], [4.4, 48.6]]] },
  start: '2022-08-12T10:36:29.024Z',
  platform: 'Sentinel-2',
  platformSerialIdentifier: 'B',
  instrument: 'MSI',
  sensorType: 'OPTICAL',
  cloudCover: 3.2,
  sensorMode: 'INS-NOBS',
  illuminationAzimuthAngle: 152.77,
  illuminationZenithAngle: 39.59,
  illuminationElevationAngle: 50.41,
  minimumWavelength: 442.7,
  maximumWavelength: 2202.4,
  spectralRange: 'VISIBLE',
};

/** A collection with every collection-level field (13-026r9 tables 3 and 4). */
const collection: CatalogueRecordInput = {
  identifier: 'sentinel-2-l1c',
  type: 'collection',
  title: 'Sentinel-2 MSI Level-1C',
  abstract: 'Top-of-atmosphere reflectances.',
  keywords: ['optical'],
  geometry: { type: 'Polygon', coordinates: [[[-180, -85], [180, -85], [180, 85], [-180, 85], [-180, -85]]] },
  start: '2015-06-23T00:00:00.000Z',
  openEnd: true,
  platform: 'Sentinel-2',
  instrument: 'MSI',
  sensorType: 'OPTICAL',
  processingLevel: 'LEVEL1C',
  resolution: 10,
  doi: '10.5270/S2_-742ikth',
  compositeType: 'P10D',
  orbitType: 'LEO',
  spectralRange: 'VISIBLE',
  minimumWavelength: 442.7,
  maximumWavelength: 2202.4,
  hasSecurityConstraints: true,
  dissemination: 'EUMETCast',
  topicCategory: 'imageryBaseMapsEarthCover',
  organisationName: 'ESA',
  organisationRole: 'originator',
  publicationDate: '2015-06-23T00:00:00.000Z',
  lineage: 'Processed by the Sentinel-2 IPF.',
  useLimitation: 'Free and open access under the Copernicus data policy',
  accessConstraint: 'otherRestrictions',
  otherConstraint: 'Attribution required',
  classification: 'unclassified',
  language: 'eng',
  specification: 'Sentinel-2 Products Specification Document',
  productVersion: '02.09',
};

/** The 13-026r9 fields of a record (those migration 004 added), as stored. */
function eoFields(record: CatalogueRecordInput): Record<string, unknown> {
  const r = stored(record) as unknown as Record<string, unknown>;
  return Object.fromEntries(ADDED_EO_FIELDS.filter((f) => r[f.name] !== undefined).map((f) => [f.name, r[f.name]]));
}

function roundTrip(format: string, record: CatalogueRecordInput): { text: string; back: CatalogueRecord } {
  const text = encode(format, stored(record));
  const [decoded] = formats.decode(text, { format }).records;
  return { text, back: stored(decoded!) };
}

function assertFieldsBack(format: string, record: CatalogueRecordInput, except: string[] = []): CatalogueRecord {
  const { back } = roundTrip(format, record);
  const expected = eoFields(record);
  for (const name of except) delete expected[name];
  const got = eoFields(back);
  for (const name of except) delete got[name];
  assert.deepEqual(got, expected, `${format}: ${record.identifier}`);
  return back;
}

describe('catalogue formats: the OpenSearch EO (13-026r9) fields', () => {
  it('OGC 17-003 places each field where the schema has it, stays valid, and reads every one back', () => {
    for (const record of [radar, optical, collection]) {
      const doc = formats.find('ogc17-003')!.toJson!(stored(record), {}) as Record<string, any>;
      const v = validateEoGeoJson(doc);
      assert.ok(v.valid, `${record.identifier}: ${v.text}`);
      // productInformation requires an availabilityTime: without one, when the record was stored.
      const back = assertFieldsBack('ogc17-003', record, record.availabilityTime === undefined ? ['availabilityTime'] : []);
      if (record.availabilityTime === undefined && doc.properties.productInformation) assert.equal(back.availabilityTime, stored(record).created);
    }
    const p = (formats.find('ogc17-003')!.toJson!(stored(radar), {}) as Record<string, any>).properties;
    const acquisition = p.acquisitionInformation[0];
    assert.deepEqual(acquisition.platform.orbitType, 'LEO');
    assert.deepEqual([acquisition.acquisitionParameters.wrsLongitude, acquisition.acquisitionParameters.wrsLatitude, acquisition.acquisitionParameters.operationalMode], ['117', '24', 'IW']);
    assert.deepEqual(acquisition.acquisitionParameters.acquisitionAngles, { minimumIncidenceAngle: 30.1, maximumIncidenceAngle: 45.9, incidenceAngleVariation: 15.8 });
    assert.deepEqual([acquisition.acquisitionParameters.lowestLocation, acquisition.acquisitionParameters.highestLocation], ['0', '120']);
    assert.deepEqual(p.productInformation.qualityInformation, { qualityStatus: 'DEGRADED', qualityDegradationTag: 'RADIOMETRY' });
    assert.deepEqual([p.productInformation.productVersion, p.productInformation.processingMode, p.productInformation.availabilityTime, p.doi], ['003.20', 'OFFLINE', '2020-06-01T08:10:00.000Z', '10.5270/S1-grd-32900']);
    const o = (formats.find('ogc17-003')!.toJson!(stored(optical), {}) as Record<string, any>).properties;
    assert.deepEqual(o.acquisitionInformation[0].acquisitionParameters.waveLengths, [{ startWavelength: 442.7, endWavelength: 2202.4, spectralRange: 'VISIBLE' }]);
  });

  it('STAC writes the fields its extensions have (sci, sar, view, processing, providers), the others as properties, and reads every one back', () => {
    for (const record of [radar, optical, collection]) {
      const doc = formats.find('stac')!.toJson!(stored(record), {}) as Record<string, any>;
      const v = validateStac(doc);
      assert.ok(v.valid, `${record.identifier}: ${v.text}`);
      // STAC names the unit with the platform ('Sentinel-1A'), which is what comes back.
      assertFieldsBack('stac', record, ['platformSerialIdentifier']);
    }
    const item = formats.find('stac')!.toJson!(stored(radar), {}) as Record<string, any>;
    assert.deepEqual(
      [item.properties['sci:doi'], item.properties['sar:instrument_mode'], item.properties['sar:observation_direction'], item.properties['processing:facility']],
      ['10.5270/S1-grd-32900', 'IW', 'right', 'ESRIN'],
    );
    assert.ok((item.stac_extensions as string[]).some((u) => u.includes('/scientific/')));
    const opt = formats.find('stac')!.toJson!(stored(optical), {}) as Record<string, any>;
    assert.deepEqual([opt.properties['view:sun_azimuth'], opt.properties['view:sun_elevation'], opt.properties['sar:instrument_mode']], [152.77, 50.41, undefined]);
    const coll = formats.find('stac')!.toJson!(stored(collection), {}) as Record<string, any>;
    // The organisation is the provider; a role STAC has no word for (originator) keeps its own name.
    assert.deepEqual([coll['sci:doi'], coll.providers, coll.organisationRole, coll['processing:lineage']], ['10.5270/S2_-742ikth', [{ name: 'ESA' }], 'originator', 'Processed by the Sentinel-2 IPF.']);
  });

  it('O&M EOP 2.1 writes them in their elements, valid against the schemas, and reads them back', () => {
    const sar = roundTrip('eop21', radar);
    assertValid(sar.text, 'ogc/eompom/1.1/xsd/sar.xsd');
    // EOP has no element for heights of the data layer (atm, lmb only) or the dissemination.
    assertFieldsBack('eop21', radar, ['lowestLocation', 'highestLocation']);
    const ns = { eop: NS.eop21, sar: NS.sar21, om: NS.om20, gml: NS.gml32 };
    assert.deepEqual(xpath(sar.text, '//eop:Acquisition/eop:wrsLongitudeGrid | //sar:Acquisition/eop:wrsLongitudeGrid | //eop:productQualityStatus | //eop:productQualityDegradationTag | //om:resultTime//gml:timePosition | //eop:ProductInformation/eop:version', ns), [
      '2020-06-01T08:10:00.000Z', '117', '003.20', 'DEGRADED', 'RADIOMETRY',
    ]);
    const opt = roundTrip('eop21', optical);
    assertValid(opt.text, 'ogc/eompom/1.1/xsd/opt.xsd');
    assertFieldsBack('eop21', optical);
    assert.deepEqual(xpath(opt.text, '//eop:WavelengthInformation/*', ns), ['2202.4', 'VISIBLE', '442.7']);
  });

  it('ISO 19139 writes them in its elements (constraints, DOI, edition, conformance, bands, sun angles) or as eo: keywords, valid, and reads them back', () => {
    for (const record of [collection, radar, optical]) {
      const { text } = roundTrip('iso19139', record);
      assertValid(text, 'ogc/iso/19139/20070417/gmd/gmd.xsd');
      assertFieldsBack('iso19139', record);
    }
    const text = encode('iso19139', stored(collection));
    const ns = { gmd: NS.gmd, gco: NS.gco, xlink: NS.xlink };
    const ident = '//gmd:MD_DataIdentification';
    assert.deepEqual(xpath(text, `${ident}/gmd:citation//gmd:RS_Identifier/gmd:code/gco:CharacterString | ${ident}/gmd:citation//gmd:edition/gco:CharacterString`, ns), ['02.09', '10.5270/S2_-742ikth']);
    assert.deepEqual(xpath(text, `${ident}/gmd:resourceConstraints/gmd:MD_LegalConstraints/*/*`, ns), ['Free and open access under the Copernicus data policy', 'otherRestrictions', 'Attribution required']);
    assert.deepEqual(xpath(text, `${ident}/gmd:resourceConstraints/gmd:MD_SecurityConstraints/gmd:classification/gmd:MD_ClassificationCode/@codeListValue`, ns), ['unclassified']);
    assert.deepEqual(xpath(text, `${ident}/gmd:pointOfContact//gmd:role/gmd:CI_RoleCode/@codeListValue`, ns), ['originator']);
    assert.deepEqual(xpath(text, '//gmd:DQ_ConformanceResult/gmd:specification//gmd:title/gco:CharacterString', ns), ['Sentinel-2 Products Specification Document']);
    assert.deepEqual(xpath(text, '//gmd:MD_Band/gmd:maxValue/gco:Real | //gmd:MD_Band/gmd:minValue/gco:Real | //gmd:MD_Band/gmd:units/@xlink:href', ns), ['2202.4', '442.7', 'http://www.opengis.net/def/uom/UCUM/0/nm']);
    assert.ok(xpath(text, '//gmd:keyword/gco:CharacterString', ns).includes('eo:dissemination:EUMETCast'));
    const radarIso = encode('iso19139', stored(radar));
    for (const keyword of ['eo:track:117', 'eo:sensorMode:IW', 'eo:minimumIncidenceAngle:30.1', 'eo:availabilityTime:2020-06-01T08:10:00.000Z']) {
      assert.ok(xpath(radarIso, '//gmd:keyword/gco:CharacterString', ns).includes(keyword), keyword);
    }
  });
});
