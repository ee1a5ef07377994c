import assert from 'node:assert/strict';
import { ISO19115_3_NS } from '../../../../plugins/catalogue/formats/iso19115-3.js';
import type { CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { assertInvalidRecord, assertValid, encode, fixture, formats, hostileDocuments, stored } from './xml-support.js';

const N = ISO19115_3_NS;

function decode(text: string, options = {}): CatalogueRecordInput {
  const records = formats.decode({ text }, { format: 'iso19115-3', ...options }).records;
  assert.equal(records.length, 1);
  return records[0]!;
}

/** A 19115-3 service record (srv 2.1) with the given identification content. */
function service(identification: string, identifier = '<mdb:metadataIdentifier><mcc:MD_Identifier><mcc:code><gco:CharacterString>wms-1</gco:CharacterString></mcc:code></mcc:MD_Identifier></mdb:metadataIdentifier>'): string {
  return `<mdb:MD_Metadata xmlns:mdb="${N.mdb}" xmlns:cit="${N.cit}" xmlns:mri="${N.mri}" xmlns:gex="${N.gex}" xmlns:mcc="${N.mcc}" xmlns:gco="${N.gco}" xmlns:srv="${N.srv21}">
    ${identifier}
    <mdb:metadataScope><mdb:MD_MetadataScope><mdb:resourceScope><mcc:MD_ScopeCode codeList="" codeListValue="service"/></mdb:resourceScope></mdb:MD_MetadataScope></mdb:metadataScope>
    <mdb:identificationInfo><srv:SV_ServiceIdentification>${identification}</srv:SV_ServiceIdentification></mdb:identificationInfo>
  </mdb:MD_Metadata>`;
}

const SERVICE_BODY = `
  <mri:citation><cit:CI_Citation><cit:title><gco:CharacterString>Flood maps WMS</gco:CharacterString></cit:title></cit:CI_Citation></mri:citation>
  <mri:abstract><gco:CharacterString>Flood extent maps.</gco:CharacterString></mri:abstract>
  <mri:extent><gex:EX_Extent><gex:geographicElement><gex:EX_GeographicBoundingBox>
    <gex:westBoundLongitude><gco:Decimal>-10</gco:Decimal></gex:westBoundLongitude><gex:eastBoundLongitude><gco:Decimal>30</gco:Decimal></gex:eastBoundLongitude>
    <gex:southBoundLatitude><gco:Decimal>35</gco:Decimal></gex:southBoundLatitude><gex:northBoundLatitude><gco:Decimal>70</gco:Decimal></gex:northBoundLatitude>
  </gex:EX_GeographicBoundingBox></gex:geographicElement></gex:EX_Extent></mri:extent>
  <srv:serviceType><gco:ScopedName>OGC:WMS</gco:ScopedName></srv:serviceType>
  <srv:serviceTypeVersion><gco:CharacterString>1.3.0</gco:CharacterString></srv:serviceTypeVersion>
  <srv:couplingType><srv:SV_CouplingType codeList="" codeListValue="loose"/></srv:couplingType>
  <srv:containsOperations><srv:SV_OperationMetadata>
    <srv:operationName><gco:CharacterString>GetCapabilities</gco:CharacterString></srv:operationName>
    <srv:connectPoint><cit:CI_OnlineResource><cit:linkage><gco:CharacterString>https://maps.example.org/floods/wms</gco:CharacterString></cit:linkage></cit:CI_OnlineResource></srv:connectPoint>
  </srv:SV_OperationMetadata></srv:containsOperations>
  <srv:operatesOn uuidref="floods-2021"/>`;

describe('ISO 19115-3 format', () => {
  it('is detected by its mdb namespace and not mistaken for ISO 19139', () => {
    assert.equal(formats.decode(fixture('iso19115-3-product.xml')).format.name, 'iso19115-3');
    assert.equal(formats.find('iso19115-3')!.detect!({ text: fixture('iso19139-mi-collection.xml') }), false);
    assert.equal(formats.find('http://standards.iso.org/iso/19115/-3/mdb/2.0')!.name, 'iso19115-3');
  });

  it('reads a product: parent by uuidref, responsibilities, a CRS:84 MultiSurface, acquisition, links and a WMS', () => {
    const text = fixture('iso19115-3-product.xml');
    const { metadata, properties, ...r } = decode(text, { owner: 'carol' });
    assert.deepEqual(metadata, { format: 'iso19115-3', content: text });
    assert.deepEqual(r, {
      identifier: 'S1A_IW_GRDH_1SDV_20210704T054331_20210704T054356_038624_048EB7_5F1B',
      type: 'product',
      title: 'Sentinel-1A IW GRD HR dual polarisation, 4 July 2021, orbit 38624',
      abstract: 'Level-1 Ground Range Detected product of the Interferometric Wide swath mode over the Netherlands.',
      keywords: ['Synthetic Aperture Radar', 'Netherlands'],
      geometry: { type: 'MultiPolygon', coordinates: [[[[3.2, 51.6], [6.8, 51.3], [7.1, 53.1], [3.4, 53.4], [3.2, 51.6]]]] },
      start: '2021-07-04T05:43:31.000Z',
      end: '2021-07-04T05:43:56.000Z',
      parentIdentifier: 'sentinel-1-grd',
      platform: 'SENTINEL-1',
      instrument: 'SAR-C',
      resolution: 20,
      processingLevel: 'LEVEL1',
      creationDate: '2021-07-04T07:12:01.000Z',
      modificationDate: '2021-07-04T08:10:00.000Z',
      // 13-026r9 collection parameters are record fields.
      language: 'eng',
      topicCategory: 'imageryBaseMapsEarthCover',
      organisationName: 'European Space Agency',
      lineage: 'Processed by the Instrument Processing Facility 003.31.',
      links: [
        { href: 'https://download.example.org/s1/S1A_IW_GRDH_1SDV_20210704T054331.zip', rel: 'enclosure', type: 'application/zip', title: 'SAFE archive' },
        { href: 'https://browse.example.org/s1/S1A_IW_GRDH_20210704T054331.png', rel: 'icon', type: 'image/png' },
      ],
      offerings: [{ code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms', operations: [{ code: 'GetCapabilities', method: 'GET', href: 'https://maps.example.org/s1/wms?service=WMS&request=GetCapabilities', type: 'application/xml' }] }],
      owner: 'carol',
    });
    assert.deepEqual(properties, {
      topicCategories: ['imageryBaseMapsEarthCover'],
      contacts: [
        { scope: 'metadata', role: 'pointOfContact', organisationName: 'Example Radar Data Centre', individualName: 'A. Operator', positionName: 'Archive manager', email: 'radar@example.org' },
        { scope: 'resource', role: 'originator', organisationName: 'European Space Agency' },
      ],
      formats: ['SAFE'],
      rights: ['Copernicus Sentinel data terms and conditions'],
    });
    stored({ ...r, properties });
  });

  it('reads a service record of srv 2.1: operations, service type, operatesOn', () => {
    const r = decode(service(SERVICE_BODY));
    assert.equal(r.identifier, 'wms-1');
    assert.equal(r.type, 'service');
    assert.deepEqual(r.offerings, [{ code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms', operations: [{ code: 'GetCapabilities', method: 'GET', href: 'https://maps.example.org/floods/wms?service=WMS&request=GetCapabilities', type: 'application/xml' }] }]);
    assert.deepEqual(r.properties, { serviceType: 'OGC:WMS', serviceTypeVersion: '1.3.0', couplingType: 'loose', operatesOn: ['floods-2021'] });
    assert.deepEqual(stored(r).bbox, [-10, 35, 30, 70]);
  });

  it('can be written as ISO 19139 (valid against srv.xsd) but not as 19115-3, except as received', () => {
    const text = service(SERVICE_BODY);
    const r = stored(decode(text));
    assertValid(encode('iso19139', r), 'ogc/iso/19139/20070417/srv/1.0/srv.xsd');
    assert.throws(() => formats.encode('iso19115-3', r), (e: { status: number; locator: string }) => e.status === 400 && e.locator === 'format');
    assert.equal(formats.encode('iso19115-3', r, { asReceived: true }), text);
  });

  it('refuses what is no 19115-3 record, naming where', () => {
    for (const text of Object.values(hostileDocuments(`<mdb:MD_Metadata xmlns:mdb="${N.mdb}">`, '</mdb:MD_Metadata>'))) {
      assertInvalidRecord(() => formats.find('iso19115-3')!.decode!({ text }, {}), 'document');
    }
    assertInvalidRecord(() => decode(fixture('iso19139-service.xml')), 'mdb:MD_Metadata');
    assertInvalidRecord(() => decode(service(SERVICE_BODY, '')), 'mdb:metadataIdentifier');
    assertInvalidRecord(() => decode(service(SERVICE_BODY.replace('<gco:Decimal>35</gco:Decimal>', '<gco:Decimal>35 N</gco:Decimal>'))), 'southBoundLatitude');
    assertInvalidRecord(() => decode(fixture('iso19115-3-product.xml').replace('2021-07-04T05:43:31.000Z', '2021-13-04')), 'gml:beginPosition');
  });
});
