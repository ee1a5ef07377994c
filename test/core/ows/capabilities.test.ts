import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  checkUpdateSequence,
  compareUpdateSequences,
  operationsMetadataXml,
  owsNamespaceAttrs,
  parseSections,
  serviceIdentificationXml,
  serviceProviderXml,
  wgs84BoundingBoxXml,
  type OperationsMetadataInfo,
  type ServiceIdentificationInfo,
  type ServiceProviderInfo,
} from '../../../core/ows/capabilities.js';
import { OwsException } from '../../../core/ows/exceptions.js';
import { el, serializeXml } from '../../../core/ows/xml/writer.js';
import { parseXmlDocument, selectNodes } from '../../../core/ows/xml/libxml.js';
import { validateXml } from '../../helpers/xsd.js';

const OWS_ALL = { '1.0.0': 'ogc/ows/1.0.0/owsAll.xsd', '1.1.0': 'ogc/ows/1.1.0/owsAll.xsd', '2.0.0': 'ogc/ows/2.0/owsAll.xsd' } as const;

const identification: ServiceIdentificationInfo = {
  title: [{ value: 'Meridian coverages', lang: 'en' }, { value: 'Couvertures Meridian', lang: 'fr' }],
  abstract: 'Sentinel-2 L2A mosaics & <friends>',
  keywords: [{ keywords: ['EO', 'Sentinel-2'], type: 'theme' }],
  serviceType: 'WCS',
  serviceTypeCodeSpace: 'OGC',
  serviceTypeVersions: ['2.0.1', '2.0.0'],
  profiles: ['http://www.opengis.net/spec/WCS/2.0/conf/core'],
  fees: 'NONE',
  accessConstraints: ['NONE'],
};

const provider: ServiceProviderInfo = {
  providerName: 'Meridian',
  providerSite: 'https://meridian.example/',
  serviceContact: {
    individualName: 'Ops',
    positionName: 'Operator',
    contactInfo: {
      phone: { voice: ['+33 1 23 45 67 89'] },
      address: { deliveryPoint: ['1 rue X'], city: 'Toulouse', postalCode: '31000', country: 'France', electronicMailAddress: ['ops@meridian.example'] },
      onlineResource: 'https://meridian.example/contact',
      hoursOfService: '24/7',
      contactInstructions: 'e-mail',
    },
    role: 'pointOfContact',
  },
};

const operations: OperationsMetadataInfo = {
  operations: [
    {
      name: 'GetCapabilities',
      get: 'https://meridian.example/wcs?',
      post: [{ href: 'https://meridian.example/wcs', constraints: [{ name: 'PostEncoding', values: ['XML'] }] }],
      parameters: [{ name: 'AcceptVersions', values: ['2.0.1', '2.0.0'] }],
    },
    {
      name: 'GetCoverage',
      get: 'https://meridian.example/wcs?',
      parameters: [{ name: 'scale', ranges: [{ min: 0, max: 10, closure: 'open-closed' }], defaultValue: 1, dataType: 'double' }],
      constraints: [{ name: 'MaxSize', anyValue: true }],
    },
  ],
  parameters: [{ name: 'service', values: ['WCS'] }],
  constraints: [{ name: 'KVPEncoding', values: ['TRUE'] }],
};

const operations10: OperationsMetadataInfo = {
  operations: operations.operations.map((op) => ({ ...op, parameters: [{ name: 'AcceptVersions', values: ['1.1.0'] }], constraints: [] })),
  parameters: operations.parameters,
};

describe('core/ows/capabilities', () => {
  for (const version of ['1.0.0', '1.1.0', '2.0.0'] as const) {
    describe(`OWS ${version} sections`, () => {
      it('ServiceIdentification validates against owsAll.xsd', () => {
        const xml = serializeXml(serviceIdentificationXml(identification, version, { declareNamespaces: true }));
        assert.deepEqual(validateXml(xml, OWS_ALL[version]), []);
        assert.match(xml, /Sentinel-2 L2A mosaics &amp; &lt;friends&gt;/);
      });

      it('ServiceProvider validates against owsAll.xsd, also with no contact', () => {
        assert.deepEqual(validateXml(serializeXml(serviceProviderXml(provider, version, { declareNamespaces: true })), OWS_ALL[version]), []);
        assert.deepEqual(validateXml(serializeXml(serviceProviderXml({ providerName: 'P' }, version, { declareNamespaces: true })), OWS_ALL[version]), []);
      });

      it('OperationsMetadata validates against owsAll.xsd with DCP URLs, parameters and constraints', () => {
        const info = version === '1.0.0' ? operations10 : operations;
        const xml = serializeXml(operationsMetadataXml(info, version, { declareNamespaces: true }));
        assert.deepEqual(validateXml(xml, OWS_ALL[version]), []);
        const doc = parseXmlDocument(xml);
        const ns = { ows: owsNamespaceAttrs(version)['xmlns:ows'], xlink: 'http://www.w3.org/1999/xlink' };
        const hrefs = selectNodes(doc, "//ows:Operation[@name='GetCapabilities']//ows:Get/@xlink:href", ns);
        assert.equal(hrefs.length, 1);
      });
    });
  }

  it('writes AllowedValues ranges, AnyValue and DefaultValue for OWS 2.0', () => {
    const xml = serializeXml(operationsMetadataXml(operations, '2.0.0', { declareNamespaces: true }));
    assert.match(xml, /<ows:Range ows:rangeClosure="open-closed"><ows:MinimumValue>0<\/ows:MinimumValue><ows:MaximumValue>10<\/ows:MaximumValue><\/ows:Range>/);
    assert.match(xml, /<ows:Constraint name="MaxSize"><ows:AnyValue\/><\/ows:Constraint>/);
    assert.match(xml, /<ows:DefaultValue>1<\/ows:DefaultValue>/);
  });

  it('refuses what the schemas cannot express', () => {
    assert.throws(() => operationsMetadataXml({ operations: [operations.operations[0]] }, '2.0.0'), /at least two operations/);
    assert.throws(() => operationsMetadataXml(operations, '1.0.0'), /needs explicit values/);
    assert.throws(() => operationsMetadataXml({ operations: [{ name: 'A' }, { name: 'B', get: 'x' }] }, '2.0.0'), /GET or POST/);
  });

  it('composes into a WCS 2.0 Capabilities document that validates against wcsAll.xsd', () => {
    const doc = el(
      'wcs:Capabilities',
      { ...owsNamespaceAttrs('2.0.0'), 'xmlns:wcs': 'http://www.opengis.net/wcs/2.0', version: '2.0.1', updateSequence: '7' },
      serviceIdentificationXml(identification, '2.0.0'),
      serviceProviderXml(provider, '2.0.0'),
      operationsMetadataXml(operations, '2.0.0'),
      el('wcs:Contents', null, el('wcs:CoverageSummary', null, wgs84BoundingBoxXml([-10, 35, 30, 60]), el('wcs:CoverageId', null, 'S2_L2A'), el('wcs:CoverageSubtype', null, 'RectifiedGridCoverage'))),
    );
    assert.deepEqual(validateXml(serializeXml(doc), 'ogc/wcs/2.0/wcsAll.xsd'), []);
  });

  it('composes into a WMTS 1.0 Capabilities document (OWS 1.1) that validates', () => {
    const doc = el(
      'Capabilities',
      { xmlns: 'http://www.opengis.net/wmts/1.0', ...owsNamespaceAttrs('1.1.0'), version: '1.0.0' },
      serviceIdentificationXml({ ...identification, serviceType: 'OGC WMTS', serviceTypeVersions: ['1.0.0'] }, '1.1.0'),
      serviceProviderXml(provider, '1.1.0'),
      operationsMetadataXml(operations, '1.1.0'),
    );
    assert.deepEqual(validateXml(serializeXml(doc), 'ogc/wmts/1.0/wmtsGetCapabilities_response.xsd'), []);
  });

  describe('updateSequence', () => {
    it('compares integers numerically, timestamps in time, else as text', () => {
      assert.equal(compareUpdateSequences('10', '9'), 1);
      assert.equal(compareUpdateSequences('2024-01-02T00:00:00Z', '2024-01-01T23:00:00+00:00'), 1);
      assert.equal(compareUpdateSequences('abc', 'abc'), 0);
    });

    it('WMS style: equal → CurrentUpdateSequence, greater → InvalidUpdateSequence, lower or none → full', () => {
      assert.throws(() => checkUpdateSequence('5', '5', { style: 'wms' }), (e: unknown) => e instanceof OwsException && e.code === 'CurrentUpdateSequence' && e.locator === 'updateSequence');
      assert.throws(() => checkUpdateSequence('6', '5', { style: 'wms', locator: 'UPDATESEQUENCE' }), (e: unknown) => e instanceof OwsException && e.code === 'InvalidUpdateSequence' && e.locator === 'UPDATESEQUENCE' && e.status === 400);
      assert.equal(checkUpdateSequence('4', '5', { style: 'wms' }), 'full');
      assert.equal(checkUpdateSequence(undefined, '5', { style: 'wms' }), 'full');
      assert.equal(checkUpdateSequence('4', undefined, { style: 'wms' }), 'full');
    });

    it('OWS style: equal → a minimal document, greater → InvalidUpdateSequence', () => {
      assert.equal(checkUpdateSequence('2024-05-01', '2024-05-01', { style: 'ows' }), 'minimal');
      assert.throws(() => checkUpdateSequence('2024-06-01', '2024-05-01', { style: 'ows' }), (e: unknown) => e instanceof OwsException && e.code === 'InvalidUpdateSequence');
    });
  });

  describe('Sections', () => {
    it('gives every section when absent, empty or All', () => {
      assert.equal(parseSections(undefined).size, 4);
      assert.equal(parseSections(['']).size, 4);
      assert.equal(parseSections(['ServiceProvider', 'All']).size, 4);
    });
    it('gives the named sections and refuses unknown ones', () => {
      assert.deepEqual([...parseSections(['Contents', 'ServiceIdentification'])], ['Contents', 'ServiceIdentification']);
      assert.throws(() => parseSections(['Layers']), (e: unknown) => e instanceof OwsException && e.code === 'InvalidParameterValue' && e.locator === 'Sections');
    });
  });
});
