import assert from 'node:assert/strict';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateEoGeoJson } from '../../helpers/json-schema.js';
import { assertValidRnc } from '../../helpers/relaxng.js';
import { fetchText, parse, startOpenSearch, values, type OpenSearchHarness } from './support.js';

/**
 * The parameters of OGC 13-026r9, as its tables list them: table 3 (collection search), table 4
 * (INSPIRE collection parameters), table 5 (product search), table 6 (acquisition parameters).
 */
const TABLE_3 = ['productType', 'doi', 'platform', 'platformSerialIdentifier', 'instrument', 'sensorType', 'compositeType', 'processingLevel', 'orbitType', 'spectralRange', 'wavelengths', 'hasSecurityConstraints', 'dissemination'];
const TABLE_4 = ['title', 'topicCategory', 'keyword', 'abstract', 'resolution', 'organisationName', 'organisationRole', 'publicationDate', 'lineage', 'useLimitation', 'accessConstraint', 'otherConstraint', 'classification', 'language', 'specification'];
const TABLE_5 = [
  'parentIdentifier', 'productionStatus', 'acquisitionType', 'orbitNumber', 'orbitDirection', 'track', 'frame', 'swathIdentifier', 'cloudCover', 'snowCover', 'lowestLocation', 'highestLocation',
  'productVersion', 'productQualityStatus', 'productQualityDegradationTag', 'processorName', 'processingCenter', 'creationDate', 'modificationDate', 'processingDate', 'sensorMode', 'archivingCenter', 'processingMode',
];
const TABLE_6 = [
  'availabilityTime', 'acquisitionStation', 'acquisitionSubType', 'startTimeFromAscendingNode', 'completionTimeFromAscendingNode', 'illuminationAzimuthAngle', 'illuminationZenithAngle',
  'illuminationElevationAngle', 'polarisationMode', 'polarisationChannels', 'antennaLookDirection', 'minimumIncidenceAngle', 'maximumIncidenceAngle', 'dopplerFrequency', 'incidenceAngleVariation',
];
/** Table 4 parameters that describe a collection only (its title, constraints...); the others apply to products too. */
const COLLECTION_ONLY = ['title', 'topicCategory', 'abstract', 'publicationDate', 'lineage', 'useLimitation', 'accessConstraint', 'otherConstraint', 'classification', 'language', 'specification'];

const box = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

const RECORDS: CatalogueRecordInput[] = [
  {
    identifier: 'EO-S2', type: 'collection', title: 'Sentinel-2 MSI Level-1C', abstract: 'Optical', keywords: ['optical', 'Europe'], platform: 'SENTINEL-2', sensorType: 'OPTICAL', doi: '10.5270/S2_-742ikth',
    orbitType: 'LEO', minimumWavelength: 443, maximumWavelength: 2190, organisationName: 'ESA', organisationRole: 'originator', topicCategory: 'imageryBaseMapsEarthCover', publicationDate: '2015-06-23T00:00:00Z',
    accessConstraint: 'otherRestrictions', useLimitation: 'Copernicus data policy', classification: 'unclassified', hasSecurityConstraints: false, language: 'eng', lineage: 'Sentinel-2 IPF', specification: 'Sentinel-2 Product Specification', start: '2015-06-23T00:00:00Z',
  },
  {
    identifier: 'EO-LS', type: 'collection', title: 'Landsat 8 OLI/TIRS', keywords: ['optical', 'thermal'], platform: 'LANDSAT-8', sensorType: 'OPTICAL', doi: '10.5066/P975CC9B', orbitType: 'LEO',
    minimumWavelength: 433, maximumWavelength: 12510, organisationName: 'USGS', organisationRole: 'originator', topicCategory: 'imageryBaseMapsEarthCover', publicationDate: '2013-05-30T00:00:00Z', classification: 'unclassified', hasSecurityConstraints: false,
    start: '2013-04-11T00:00:00Z',
  },
  {
    identifier: 'EO-S1', type: 'collection', title: 'Sentinel-1 GRD', keywords: ['radar', 'Europe'], platform: 'SENTINEL-1', sensorType: 'RADAR', orbitType: 'LEO', spectralRange: 'MICROWAVE', organisationName: 'ESA',
    organisationRole: 'distributor', compositeType: 'P1D', dissemination: 'EUMETCast', hasSecurityConstraints: true, classification: 'restricted', start: '2014-10-03T00:00:00Z',
  },
  ...[
    ['G1', '117', '24', 'IW', 29.5, 45.9, 'NOMINAL', 1_200_000, 'MTI', '2020-06-01T08:00:00Z'],
    ['G2', '117', '25', 'IW', 30.2, 46.1, 'NOMINAL', 1_224_000, 'SGS', '2020-06-01T09:00:00Z'],
    ['G3', '118', '24', 'EW', 18.9, 47.0, 'DEGRADED', 2_400_000, 'MTI', '2020-06-02T10:00:00Z'],
    ['G4', '44', '130', 'IW', 30.6, 46.0, 'NOMINAL', 3_600_000, 'MPS', '2020-07-01T08:00:00Z'],
  ].map(([id, track, frame, mode, min, max, quality, fromNode, station, processed], i): CatalogueRecordInput => ({
    identifier: id as string, type: 'product', parentIdentifier: 'EO-S1', title: `GRD ${id}`, keywords: i % 2 === 0 ? ['Italy', 'sar'] : ['France'],
    geometry: box(10 + i, 40, 12 + i, 42), start: `2020-06-0${i + 1}T05:00:00Z`, end: `2020-06-0${i + 1}T05:00:25Z`,
    platform: 'SENTINEL-1', platformSerialIdentifier: i < 3 ? 'A' : 'B', instrument: 'SAR-C', sensorType: 'RADAR', productType: 'GRD', polarisationChannels: 'VV, VH',
    track: track as string, frame: frame as string, sensorMode: mode as string, swathIdentifier: mode as string, polarisationMode: 'D', antennaLookDirection: 'RIGHT',
    minimumIncidenceAngle: min as number, maximumIncidenceAngle: max as number, incidenceAngleVariation: (max as number) - (min as number), dopplerFrequency: 5.405e9 + i,
    productQualityStatus: quality as string, ...(quality === 'DEGRADED' ? { productQualityDegradationTag: 'RADIOMETRY' } : {}),
    startTimeFromAscendingNode: fromNode as number, completionTimeFromAscendingNode: (fromNode as number) + 25_000, acquisitionStation: station as string, acquisitionSubType: 'DEFAULT',
    processingDate: processed as string, availabilityTime: processed as string, processingCenter: 'ESRIN', processorName: 'Sentinel-1 IPF', processingMode: i === 3 ? 'NRT' : 'OFFLINE',
    archivingCenter: 'DPA', productVersion: i < 2 ? '003.20' : '003.40', lowestLocation: 0, highestLocation: 100 * (i + 1), doi: `10.5270/S1-${id}`,
  })),
  ...[
    ['O1', 25.1, 140.2, 0.5],
    ['O2', 35.7, 150.0, 1.5],
    ['O3', 61.0, 160.9, 2.5],
  ].map(([id, zenith, azimuth, i]): CatalogueRecordInput => ({
    identifier: id as string, type: 'product', parentIdentifier: 'EO-S2', title: `MSI ${id}`, geometry: box(i as number, 45, (i as number) + 1, 46),
    start: '2020-06-10T10:00:00Z', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', cloudCover: 10,
    illuminationZenithAngle: zenith as number, illuminationElevationAngle: 90 - (zenith as number), illuminationAzimuthAngle: azimuth as number, sensorMode: 'INS-NOBS',
  })),
];

function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{([^}?]+)\??\}/g)].map((m) => m[1]!);
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch EO parameters of 13-026r9 (${kind.name})`, function () {
    this.timeout(30_000);
    let h: OpenSearchHarness;
    before(async () => {
      h = await startOpenSearch(kind);
      await h.catalogue.upsert(RECORDS);
    });
    after(async () => h?.close());

    const description = async (path: string) => parse((await fetchText(`${h.base}${path}`)).body);
    const atom = (name: string) => `//os:Url[@type="application/atom+xml"]/param:Parameter[@name="${name}"]`;
    const ids = async (path: string, query: string) => {
      const res = await fetchText(`${h.base}${path}?httpAccept=application/geo%2Bjson&count=50&sortKeys=identifier,,1&${query}`);
      assert.equal(res.status, 200, `${query}: ${res.body}`);
      return (JSON.parse(res.body) as { features: Array<{ properties: { identifier: string } }> }).features.map((f) => f.properties.identifier);
    };
    const products = (query: string) => ids('/collections/EO-S1/products', query);
    const collections = (query: string) => ids('/collections', query);

    it('declares every parameter of tables 3 and 4 for collections, of tables 3, 5 and 6 for products, as eo: qualified names', async () => {
      const levels: Array<[string, string[], string[]]> = [
        // The metadata dates of table 5 apply to collections too (they have them).
        ['/description', [...TABLE_3, ...TABLE_4, 'creationDate', 'modificationDate'], [...TABLE_5, ...TABLE_6].filter((p) => !['creationDate', 'modificationDate'].includes(p))],
        ['/collections/EO-S1/description', [...TABLE_3, ...TABLE_4.filter((p) => !COLLECTION_ONLY.includes(p)), ...TABLE_5, ...TABLE_6], COLLECTION_ONLY],
      ];
      for (const [path, declared, absent] of levels) {
        const doc = await description(path);
        for (const template of values(doc, '//os:Url[@rel!="self"]/@template')) {
          const variables = templateVariables(template);
          for (const name of declared) {
            assert.ok(variables.includes(`eo:${name}`), `${path} lacks eo:${name}`);
            assert.ok(template.includes(`&${name}={eo:${name}?}`), `${path}: ${name} is not the URL name of eo:${name}`);
          }
          for (const name of absent) assert.ok(!variables.includes(`eo:${name}`), `${path} should not offer eo:${name}`);
        }
        assertValidRnc([doc.toString()], 'ogc/opensearchgeo/1.0/schemas/osddgeo.rnc');
      }
    });

    it('lists the values of enumerable parameters with their counts, and the ranges of numbers and times', async () => {
      const doc = await description('/collections/EO-S1/description');
      assert.deepEqual(values(doc, `${atom('sensorMode')}/param:Option/@label`), ['IW (3)', 'EW (1)']);
      assert.deepEqual(values(doc, `${atom('track')}/param:Option/@label`), ['117 (2)', '118 (1)', '44 (1)']);
      assert.deepEqual(values(doc, `${atom('productQualityStatus')}/param:Option/@value`), ['NOMINAL', 'DEGRADED']);
      assert.deepEqual(values(doc, `${atom('acquisitionStation')}/param:Option/@label`), ['MTI (2)', 'MPS (1)', 'SGS (1)']);
      assert.deepEqual(values(doc, `${atom('parentIdentifier')}/param:Option/@value`), ['EO-S1']);
      assert.deepEqual(values(doc, `${atom('hasSecurityConstraints')}/param:Option/@value`), ['TRUE', 'FALSE']);
      assert.deepEqual([values(doc, `${atom('minimumIncidenceAngle')}/@minInclusive`), values(doc, `${atom('minimumIncidenceAngle')}/@maxInclusive`)], [['18.9'], ['30.6']]);
      assert.deepEqual([values(doc, `${atom('startTimeFromAscendingNode')}/@minInclusive`), values(doc, `${atom('startTimeFromAscendingNode')}/@maxInclusive`)], [['1200000'], ['3600000']]);
      assert.deepEqual([values(doc, `${atom('processingDate')}/@minInclusive`), values(doc, `${atom('processingDate')}/@maxInclusive`)], [['2020-06-01T08:00:00.000Z'], ['2020-07-01T08:00:00.000Z']]);
      assert.ok(values(doc, `${atom('illuminationZenithAngle')}/@pattern`)[0]!.length > 0);
      const top = await description('/description');
      assert.deepEqual([values(top, `${atom('wavelengths')}/@minInclusive`), values(top, `${atom('wavelengths')}/@maxInclusive`)], [['433'], ['12510']]);
      assert.deepEqual(values(top, `${atom('organisationName')}/param:Option/@label`), ['ESA (2)', 'USGS (1)']);
      assert.deepEqual(values(top, `${atom('classification')}/param:Option/@label`), ['unclassified (2)', 'restricted (1)']);
      assert.deepEqual(values(top, `${atom('keyword')}/param:Option/@label`), ['Europe (2)', 'optical (2)', 'radar (1)', 'thermal (1)']);
      assert.deepEqual(values(top, `${atom('publicationDate')}/@minInclusive`), ['2013-05-30T00:00:00.000Z']);
    });

    it('filters products by text values, {lists} and wildcards of the new parameters', async () => {
      assert.deepEqual(await products('track=117'), ['G1', 'G2']);
      assert.deepEqual(await products('track={117,44}&frame=24'), ['G1']);
      assert.deepEqual(await products('frame=2*'), ['G1', 'G2', 'G3']);
      assert.deepEqual(await products('sensorMode=EW&swathIdentifier=EW'), ['G3']);
      assert.deepEqual(await products('productQualityStatus=DEGRADED&productQualityDegradationTag=RADIOMETRY'), ['G3']);
      assert.deepEqual(await products('platformSerialIdentifier=B'), ['G4']);
      assert.deepEqual(await products('acquisitionStation={SGS,MPS}&processingMode=OFFLINE'), ['G2']);
      assert.deepEqual(await products('polarisationMode=D&antennaLookDirection=RIGHT&processingCenter=ESRIN&processorName=Sentinel-1%20IPF&archivingCenter=DPA&acquisitionSubType=DEFAULT'), ['G1', 'G2', 'G3', 'G4']);
      assert.deepEqual(await products('productVersion=003.4?'), ['G3', 'G4']);
      assert.deepEqual(await products('doi=10.5270/S1-G2'), ['G2']);
      assert.deepEqual(await products('parentIdentifier=EO-S1&track=118'), ['G3']);
      assert.deepEqual(await products('parentIdentifier=EO-S2'), []);
      // Text is compared as written.
      assert.deepEqual(await products('sensorMode=iw'), []);
    });

    it('filters products by number and time ranges of the new parameters', async () => {
      assert.deepEqual(await products('minimumIncidenceAngle=[29,30.3]'), ['G1', 'G2']);
      assert.deepEqual(await products('maximumIncidenceAngle=]46,47['), ['G2']);
      assert.deepEqual(await products('incidenceAngleVariation=[28'), ['G3']);
      assert.deepEqual(await products('startTimeFromAscendingNode=[1200000,2400000['), ['G1', 'G2']);
      assert.deepEqual(await products('completionTimeFromAscendingNode=1249000'), ['G2']);
      assert.deepEqual(await products('dopplerFrequency=[5405000001,5405000002]'), ['G2', 'G3']);
      assert.deepEqual(await products('highestLocation=200]&lowestLocation=0'), ['G1', 'G2']);
      assert.deepEqual(await products('processingDate=2020-06-01'), ['G1', 'G2']);
      assert.deepEqual(await products('availabilityTime=[2020-06-01T08:30:00Z,2020-06]'), ['G2', 'G3']);
      assert.deepEqual(await products('processingDate=2020-07'), ['G4']);
      assert.deepEqual(await ids('/collections/EO-S2/products', 'illuminationZenithAngle=]25.1,61]'), ['O2', 'O3']);
      assert.deepEqual(await ids('/collections/EO-S2/products', 'illuminationElevationAngle=[50&illuminationAzimuthAngle=150]'), ['O1', 'O2']);
    });

    it('filters by keyword (one keyword of the record, not text within them), booleans and covered wavelengths', async () => {
      assert.deepEqual(await products('keyword=Italy'), ['G1', 'G3']);
      assert.deepEqual(await products('keyword={France,Italy}'), ['G1', 'G2', 'G3', 'G4']);
      assert.deepEqual(await products('keyword=Ital*'), ['G1', 'G3']);
      assert.deepEqual(await products('keyword=Italy&track=117'), ['G1']);
      assert.deepEqual(await products('keyword=Ita'), []);
      assert.deepEqual(await collections('keyword=Europe'), ['EO-S1', 'EO-S2']);
      assert.deepEqual(await collections('hasSecurityConstraints=TRUE'), ['EO-S1']);
      assert.deepEqual(await collections('hasSecurityConstraints=false'), ['EO-LS', 'EO-S2']);
      assert.deepEqual(await collections('wavelengths=865'), ['EO-LS', 'EO-S2']);
      assert.deepEqual(await collections('wavelengths=[3000,5000]'), ['EO-LS']);
      assert.deepEqual(await collections('wavelengths={500,11000}'), ['EO-LS', 'EO-S2']);
    });

    it('filters collections by the table 3 and INSPIRE parameters', async () => {
      assert.deepEqual(await collections('doi=10.5270/*'), ['EO-S2']);
      assert.deepEqual(await collections('orbitType=LEO&spectralRange=MICROWAVE&compositeType=P1D&dissemination=EUMETCast'), ['EO-S1']);
      assert.deepEqual(await collections('organisationName=ESA&organisationRole=originator'), ['EO-S2']);
      assert.deepEqual(await collections('title=Sentinel*'), ['EO-S1', 'EO-S2']);
      assert.deepEqual(await collections('abstract=Optical'), ['EO-S2']);
      assert.deepEqual(await collections('topicCategory=imageryBaseMapsEarthCover&classification=unclassified'), ['EO-LS', 'EO-S2']);
      assert.deepEqual(await collections('publicationDate=[2013,2014]'), ['EO-LS']);
      assert.deepEqual(await collections('accessConstraint=otherRestrictions&useLimitation=Copernicus*&otherConstraint='), ['EO-S2']);
      assert.deepEqual(await collections('language=eng&lineage=*IPF&specification=Sentinel-2*'), ['EO-S2']);
    });

    it('refuses bad values of the new parameters with a 400 naming the parameter', async () => {
      for (const [path, query, locator] of [
        ['/collections/EO-S1/products', 'minimumIncidenceAngle=steep', 'minimumIncidenceAngle'],
        ['/collections/EO-S1/products', 'processingDate=yesterday', 'processingDate'],
        ['/collections/EO-S1/products', 'startTimeFromAscendingNode=1.5', 'startTimeFromAscendingNode'],
        ['/collections/EO-S1/products', 'availabilityTime=[2020-07,2020-06]', 'availabilityTime'],
        ['/collections', 'hasSecurityConstraints=maybe', 'hasSecurityConstraints'],
        ['/collections', 'wavelengths=[900,400]', 'wavelengths'],
      ]) {
        const res = await fetchText(`${h.base}${path}?${query}`);
        assert.equal(res.status, 400, query);
        assert.deepEqual(values(parse(res.body), '//ows:Exception/@locator'), [locator], query);
        assert.deepEqual(values(parse(res.body), '//ows:Exception/@exceptionCode'), ['InvalidParameterValue'], query);
      }
    });

    it('the GeoJSON of a product places the new fields as 17-003 does, with its JSON-LD context, valid against the schema', async () => {
      const res = await fetchText(`${h.base}/collections/EO-S1/products/G3?httpAccept=application/geo%2Bjson`);
      const feature = JSON.parse(res.body) as { '@context': string; properties: Record<string, any> };
      const result = validateEoGeoJson(feature);
      assert.ok(result.valid, result.text);
      assert.equal(feature['@context'], 'https://schemas.opengis.net/eo-geojson/1.0/eo-geojson.jsonld');
      const p = feature.properties;
      const acquisition = p.acquisitionInformation[0].acquisitionParameters;
      assert.deepEqual([acquisition.wrsLongitude, acquisition.wrsLatitude, acquisition.operationalMode, acquisition.swathIdentifier, acquisition.polarisationMode, acquisition.antennaLookDirection], ['118', '24', 'EW', 'EW', 'D', 'RIGHT']);
      assert.deepEqual([acquisition.acquisitionAngles.minimumIncidenceAngle, acquisition.startTimeFromAscendingNode, acquisition.acquisitionStation, acquisition.highestLocation], [18.9, 2_400_000, 'MTI', '300']);
      assert.deepEqual(p.productInformation.qualityInformation, { qualityStatus: 'DEGRADED', qualityDegradationTag: 'RADIOMETRY' });
      assert.deepEqual([p.productInformation.processingDate, p.productInformation.availabilityTime, p.productInformation.productVersion, p.doi], ['2020-06-02T10:00:00.000Z', '2020-06-02T10:00:00.000Z', '003.40', '10.5270/S1-G3']);
      const search = JSON.parse((await fetchText(`${h.base}/collections/EO-S1/products?httpAccept=application/geo%2Bjson&track=117`)).body) as { '@context': string; properties: { links: { profiles: Array<{ href: string }> } } };
      assert.equal(search['@context'], 'http://schemas.opengis.net/os-geojson/1.0/os-geojson.jsonld');
      assert.ok(search.properties.links.profiles.some((l) => l.href === 'http://www.opengis.net/spec/os-geojson/1.0/req/core'));
    });
  });
}
