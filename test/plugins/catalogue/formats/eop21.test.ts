import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { NS } from '../../../../core/ows/index.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { SCHEMAS_SOURCE } from '../../../helpers/xsd.js';
import { applicationRecord, assertInvalidRecord, assertValid, encode, fixture, formats, hostileDocuments, official, samples, serviceRecord, stored, xpath } from './xml-support.js';

const XSD = (family: string) => `ogc/eompom/1.1/xsd/${family}.xsd`;
const ns = { eop: NS.eop21, opt: NS.opt21, sar: NS.sar21, om: NS.om20, gml: NS.gml32, ows: NS.ows20, xlink: NS.xlink };

function decode(text: string, options = {}): CatalogueRecordInput {
  const records = formats.decode({ text }, { format: 'eop21', ...options }).records;
  assert.equal(records.length, 1);
  return records[0]!;
}

/** A radar product with the SAR acquisition fields and archiving details kept as 17-003 properties. */
function radarProduct(): CatalogueRecord {
  return stored({
    identifier: 'S1A_IW_GRDH_1SDV_20210704T054331_038624',
    type: 'product',
    parentIdentifier: 'sentinel-1-grd',
    geometry: { type: 'Polygon', coordinates: [[[3.2, 51.6], [6.8, 51.3], [7.1, 53.1], [3.4, 53.4], [3.2, 51.6]]] },
    start: '2021-07-04T05:43:31Z',
    end: '2021-07-04T05:43:56Z',
    platform: 'SENTINEL-1',
    platformSerialIdentifier: 'A',
    instrument: 'SAR-C',
    sensorType: 'RADAR',
    productType: 'GRD',
    processingLevel: '1B',
    orbitNumber: 38624,
    orbitDirection: 'DESCENDING',
    polarisationChannels: 'VV, VH',
    acquisitionType: 'NOMINAL',
    status: 'ARCHIVED',
    resolution: 20,
    creationDate: '2021-07-04T07:12:01Z',
    links: [
      { rel: 'enclosure', href: 'https://download.example.org/s1/S1A_038624.zip', type: 'application/zip', title: 'SAFE archive' },
      { rel: 'icon', href: 'https://browse.example.org/s1/S1A_038624.png', type: 'image/png', title: 'QUICKLOOK' },
    ],
    properties: {
      polarisationMode: 'D',
      antennaLookDirection: 'RIGHT',
      minimumIncidenceAngle: 30.7,
      maximumIncidenceAngle: 46.1,
      operationalMode: 'IW',
      swathIdentifier: 'IW',
      startTimeFromAscendingNode: 1640930,
      archivingCenter: 'ESA-DPC',
      archivingDate: '2021-07-04T08:00:00.000Z',
      processingCenter: 'ESRIN',
      processorName: 'Sentinel-1 IPF',
      processorVersion: '003.31',
      statusSubType: 'OFF-LINE',
    },
  });
}

describe('O&M EOP 2.1 format', () => {
  const { collections, products } = samples();

  describe('writing', () => {
    it('writes optical products as opt:, radar as sar: and others as eop:EarthObservation, each valid against its XSD', () => {
      const other = stored({ ...products[0]!, identifier: 'altimetry-1', sensorType: 'ALTIMETRIC', cloudCover: undefined, snowCover: undefined });
      const none = stored({ identifier: 'bare', type: 'product' });
      for (const [record, family] of [...products.map((p) => [p, p.sensorType === 'RADAR' ? 'sar' : 'opt'] as const), [radarProduct(), 'sar'], [other, 'eop'], [none, 'eop']] as const) {
        const xml = encode('eop21', record);
        assert.ok(xml.startsWith(`<${family}:EarthObservation `), `${record.identifier}: ${xml.slice(0, 40)}`);
        assertValid(xml, XSD(family));
        assert.deepEqual(xpath(xml, '//eop:EarthObservationMetaData/eop:identifier', ns), [record.identifier]);
      }
    });

    it('writes the footprint latitude first, as a MultiSurface, and the mandatory elements with neutral values', () => {
      const p = products[0]!;
      const xml = encode('eop21', p);
      const ring = (p.geometry!.coordinates as number[][][])[0]!;
      assert.deepEqual(xpath(xml, '//eop:multiExtentOf/gml:MultiSurface/gml:surfaceMembers/gml:Polygon/gml:exterior/gml:LinearRing/gml:posList', ns), [ring.map(([x, y]) => `${y} ${x}`).join(' ')]);
      assert.deepEqual(xpath(xml, '//opt:cloudCoverPercentage', ns), [String(p.cloudCover)]);
      assert.deepEqual(xpath(xml, '//eop:processingLevel', ns), [`other: ${p.processingLevel}`]);
      const bare = encode('eop21', stored({ identifier: 'bare', type: 'product' }));
      assert.deepEqual(xpath(bare, '//eop:acquisitionType', ns), ['OTHER']);
      assert.deepEqual(xpath(bare, '//eop:status', ns), ['ARCHIVED']);
      assert.deepEqual(xpath(bare, '//om:phenomenonTime/@nilReason | //om:featureOfInterest/@nilReason', ns), ['missing', 'missing']);
    });

    it('writes a point footprint as the centre of a nil extent, and an open end as indeterminate', () => {
      const xml = encode('eop21', stored({ identifier: 'pt', type: 'product', sensorType: 'OPTICAL', geometry: { type: 'Point', coordinates: [5.1, 49.1] }, start: '2022-01-01T00:00:00Z', openEnd: true }));
      assertValid(xml, XSD('opt'));
      assert.deepEqual(xpath(xml, '//eop:centerOf/gml:Point/gml:pos', ns), ['49.1 5.1']);
      assert.deepEqual(xpath(xml, '//gml:endPosition/@indeterminatePosition', ns), ['unknown']);
    });

    it('refuses to describe a collection, a service or an application', () => {
      for (const r of [collections[0]!, serviceRecord(), applicationRecord()]) {
        assert.throws(() => encode('eop21', r), (e: { status: number; code: string; locator: string }) => e.status === 400 && e.code === 'InvalidParameterValue' && e.locator === 'format');
      }
    });
  });

  describe('reading', () => {
    it('reads every official EOP 2.1 and 2.0 example', () => {
      for (const folder of ['ogc/eompom/1.1/XML_Examples', 'ogc/omeo/1.0/examples']) {
        const names = readdirSync(path.join(SCHEMAS_SOURCE, folder)).filter((n) => n.endsWith('.xml'));
        assert.ok(names.length >= 5, folder);
        for (const name of names) {
          const text = official(`${folder}/${name}`);
          const r = decode(text);
          assert.equal(r.type, 'product', name);
          assert.ok(r.identifier && r.start && r.acquisitionType && r.status, name);
          assert.equal(r.metadata?.content, text);
          stored(r);
        }
      }
    });

    it('reads the official optical example: equipment, latitude-first footprint, cloud cover, quality and archive', () => {
      const r = decode(official('ogc/eompom/1.1/XML_Examples/opt_example.xml'));
      assert.equal(r.identifier, 'DS_PHR1A_20010822110247_TLS_PX_E123N45_0101_01234');
      assert.deepEqual([r.platform, r.platformSerialIdentifier, r.instrument, r.sensorType, r.resolution], ['PHR', '1A', 'PHR', 'OPTICAL', 0.7]);
      assert.deepEqual([r.orbitNumber, r.orbitDirection, r.cloudCover], [12, 'ASCENDING', 30]);
      // posList "2.1025 43.516667 ..." is latitude 2.1025, longitude 43.516667 under the profile.
      assert.deepEqual((r.geometry!.coordinates as number[][][][])[0]![0]![0], [43.516667, 2.1025]);
      assert.deepEqual([r.start, r.end], ['2001-08-22T11:02:47.000Z', '2001-08-22T11:02:47.999Z']);
      assert.deepEqual([r.creationDate, r.modificationDate], ['2001-08-25T21:02:47.999Z', '2001-09-15T08:02:47.999Z']);
      const p = r.properties as Record<string, unknown>;
      // 13-026r9 parameters are record fields (columns); the other EOP elements stay in properties.
      assert.deepEqual([r.illuminationAzimuthAngle, r.sensorMode, r.archivingCenter, r.acquisitionStation, r.availabilityTime], [10, 'PX', 'TLS', 'TLS', '2001-08-22T11:02:47.999Z']);
      assert.deepEqual([p.acrossTrackIncidenceAngle, p.statusSubType], [-14, 'ON-LINE']);
      assert.deepEqual(r.links, [{ href: 'http://www.mybrowse.com/et', rel: 'icon', title: 'QUICKLOOK' }]);
    });

    it('reads the official SAR example: a pole-crossing swath, polarisation, swath and product file', () => {
      const r = decode(official('ogc/eompom/1.1/XML_Examples/sar_example.xml'));
      assert.deepEqual([r.platform, r.instrument, r.sensorType, r.polarisationChannels, r.orbitNumber, r.productType], ['ENVISAT', 'ASAR', 'RADAR', 'HH', 3877, 'ASA_WS__0P']);
      assert.deepEqual([r.polarisationMode, r.swathIdentifier], ['S', 'WS']);
      assert.ok(((r.geometry!.coordinates as number[][][][])[0]![0]!).length > 500);
      assert.deepEqual(r.links, [{ href: '$urlRootEN-021126221755-53642-SV.ASA_WS__0P.zip', rel: 'enclosure' }]);
    });

    it('reads the sensor profiles’ own elements: altimetry’s nominal track, EOP 2.0’s EarthObservationMetadata', () => {
      const alt = decode(official('ogc/omeo/1.0/examples/alt_example.xml'));
      assert.equal(alt.geometry?.type, 'MultiLineString');
      const ssp = decode(official('ogc/omeo/1.0/examples/ssp-example.xml'));
      assert.equal(ssp.parentIdentifier, 'urn:ogc:def:EOP:VGT_S10');
      assert.deepEqual(stored(ssp).bbox, [-26, -35, 60, 38]);
    });

    it('reads a harvested optical product completely', () => {
      const { metadata, ...r } = decode(fixture('eop21-opt-product.xml'), { owner: 'bob' });
      assert.deepEqual(metadata, { format: 'eop21', content: fixture('eop21-opt-product.xml') });
      assert.deepEqual(
        r,
        {
          identifier: 'S2B_MSIL1C_20220812T103629_N0400_R008_T31UFQ_20220812T131147',
          type: 'product',
          parentIdentifier: 'sentinel-2-l1c',
          geometry: { type: 'MultiPolygon', coordinates: [[[[4.4, 49.6], [5.9, 49.6], [5.9, 48.6], [4.4, 48.6], [4.4, 49.6]]]] },
          start: '2022-08-12T10:36:29.024Z',
          end: '2022-08-12T10:36:29.024Z',
          platform: 'Sentinel-2',
          platformSerialIdentifier: 'B',
          instrument: 'MSI',
          sensorType: 'OPTICAL',
          resolution: 10,
          orbitNumber: 28301,
          orbitDirection: 'DESCENDING',
          processingLevel: 'LEVEL1C',
          cloudCover: 3.2,
          snowCover: 0,
          acquisitionType: 'NOMINAL',
          productType: 'S2MSI1C',
          status: 'ARCHIVED',
          creationDate: '2022-08-12T13:11:47.000Z',
          availabilityTime: '2022-08-12T13:11:47.000Z',
          productVersion: '04.00',
          track: '8',
          illuminationAzimuthAngle: 152.77,
          illuminationElevationAngle: 50.41,
          processingCenter: 'ESRIN',
          processingDate: '2022-08-12T13:11:47.000Z',
          processorName: 'Sentinel-2 IPF',
          orbitType: 'LEO',
          sensorMode: 'INS-NOBS',
          archivingCenter: 'ESA-DPC',
          links: [
            { href: 'https://download.example.org/S2B_MSIL1C_20220812T103629_N0400_R008_T31UFQ.zip', rel: 'enclosure', type: 'application/zip', title: 'SAFE archive' },
            { href: 'https://browse.example.org/S2B_T31UFQ_ql.jpg', rel: 'icon', type: 'image/jpeg', title: 'QUICKLOOK' },
          ],
          owner: 'bob',
          properties: {
            processorVersion: '04.00',
            statusSubType: 'ON-LINE',
            archivingDate: '2022-08-12T14:02:10.000Z',
          },
        },
      );
    });

    it('refuses what is no EOP observation, naming where', () => {
      for (const text of Object.values(hostileDocuments(`<opt:EarthObservation xmlns:opt="${NS.opt21}">`, '</opt:EarthObservation>'))) {
        assertInvalidRecord(() => formats.find('eop21')!.decode!({ text }, {}), 'document');
      }
      const text = fixture('eop21-opt-product.xml');
      assertInvalidRecord(() => decode(fixture('iso19139-service.xml')), 'eop:EarthObservation');
      assertInvalidRecord(() => decode(text.replace(/<eop:identifier>[^<]*<\/eop:identifier>/, '')), 'eop:identifier');
      assertInvalidRecord(() => decode(text.replace('<eop:orbitNumber>28301', '<eop:orbitNumber>n/a')), 'eop:orbitNumber', /not a number/);
      assertInvalidRecord(() => decode(text.replace('2022-08-12T13:11:47Z</eop:creationDate>', 'yesterday</eop:creationDate>')), 'eop:creationDate');
      assertInvalidRecord(() => decode(text.replace('49.6 4.4 49.6 5.9', '49.6 4.4 49.6')), 'eop:multiExtentOf');
    });
  });

  describe('round trips', () => {
    it('sample products, a radar product and a harvested product come back with their EOP fields', () => {
      const harvested = stored(decode(fixture('eop21-opt-product.xml')));
      for (const record of [...products, radarProduct(), harvested]) {
        const back = stored(decode(encode('eop21', record)));
        const { metadata: _a, created: _b, updated: _c, geometry: g1, ...rest } = record;
        const { metadata: _d, created: _e, updated: _f, geometry: g2, ...restBack } = back;
        // A Polygon is written as the MultiSurface the profile expects.
        const polygons = (g: typeof g1) => (g?.type === 'Polygon' ? [g.coordinates] : g?.coordinates);
        assert.deepEqual(polygons(g2), polygons(g1), record.identifier);
        const expected = { ...rest, acquisitionType: rest.acquisitionType ?? 'OTHER', status: rest.status ?? 'ARCHIVED' };
        // EOP has no title, abstract, keywords or visibility.
        delete (expected as Partial<CatalogueRecord>).visibility;
        delete (expected as Partial<CatalogueRecord>).title;
        delete (expected as Partial<CatalogueRecord>).abstract;
        delete (expected as Partial<CatalogueRecord>).keywords;
        assert.deepEqual(restBack, expected, record.identifier);
      }
    });
  });
});
