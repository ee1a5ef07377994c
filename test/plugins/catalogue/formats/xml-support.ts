/** Shared by the XML format tests: fixtures, official examples, stored records, XPath on output. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequest } from '../../../../core/errors.js';
import { parseXmlDocument, selectNodes } from '../../../../core/ows/index.js';
import { createMetadataFormats, type EncodeOptions } from '../../../../plugins/catalogue/formats/index.js';
import { sampleRecords } from '../../../../plugins/catalogue/sample-data.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { normaliseRecord } from '../../../../plugins/catalogue/write.js';
import { SCHEMAS_SOURCE, validateXml } from '../../../helpers/xsd.js';

export const formats = createMetadataFormats();
const here = path.dirname(fileURLToPath(import.meta.url));

/** A fixture document of test/plugins/catalogue/formats/fixtures. */
export function fixture(name: string): string {
  return readFileSync(path.join(here, 'fixtures', name), 'utf8');
}

/** An official example under the shared schemas ('ogc/eompom/1.1/XML_Examples/opt_example.xml'). */
export function official(relative: string): string {
  return readFileSync(path.join(SCHEMAS_SOURCE, relative), 'utf8');
}

export const NOW = '2024-05-01T10:00:00.000Z';

/** A record as the engine stores it (normalised, bbox computed). */
export function stored(input: CatalogueRecordInput): CatalogueRecord {
  return normaliseRecord(structuredClone(input), NOW, undefined);
}

/** The four sample collections and the first products of each (one per sensor), as stored. */
export function samples(): { collections: CatalogueRecord[]; products: CatalogueRecord[] } {
  const all = sampleRecords(8).map(stored);
  return { collections: all.filter((r) => r.type === 'collection'), products: all.filter((r) => r.type === 'product') };
}

/** A service record serving a WMS (GetCapabilities and GetMap), with contacts and properties. */
export function serviceRecord(): CatalogueRecord {
  return stored({
    identifier: 'urn:example:service:s2-wms',
    type: 'service',
    title: 'Sentinel-2 true colour WMS',
    abstract: 'Web Map Service rendering the Sentinel-2 L2A collection.',
    keywords: ['WMS', 'Sentinel-2'],
    geometry: { type: 'Polygon', coordinates: [[[-10, 35], [30, 35], [30, 70], [-10, 70], [-10, 35]]] },
    offerings: [
      {
        code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms',
        operations: [
          { code: 'GetCapabilities', method: 'GET', href: 'https://maps.example.org/wms?service=WMS&request=GetCapabilities', type: 'application/xml' },
          { code: 'GetMap', method: 'GET', href: 'https://maps.example.org/wms?service=WMS&request=GetMap&layers=s2', type: 'image/png' },
        ],
      },
    ],
    properties: {
      serviceTypeVersion: ['1.3.0'],
      couplingType: 'tight',
      operatesOn: ['sample-sentinel2-l2a'],
      contacts: [{ scope: 'metadata', role: 'pointOfContact', organisationName: 'Example EO Platform', email: 'ops@example.org' }],
    },
  });
}

/** An application package record (a processing application published in the catalogue). */
export function applicationRecord(): CatalogueRecord {
  return stored({
    identifier: 'ndvi-app',
    type: 'application',
    title: 'NDVI calculator',
    abstract: 'Computes the NDVI of Sentinel-2 L2A products (CWL application package).',
    keywords: ['NDVI', 'vegetation', 'application package'],
    start: '2021-01-01T00:00:00Z',
    openEnd: true,
    links: [{ rel: 'enclosure', href: 'https://apps.example.org/ndvi/app-package.cwl', type: 'application/cwl+yaml', title: 'Application package' }],
    properties: { serviceType: 'OGC:WPS', lineage: 'Built from the EOEPCA application template.' },
  });
}

export function encode(format: string, record: CatalogueRecord, options: EncodeOptions = {}): string {
  return formats.encode(format, record, options);
}

/** Asserts `xml` validates against a shared schema, listing the errors when it does not. */
export function assertValid(xml: string, schema: string): void {
  const errors = validateXml(xml, schema);
  assert.deepEqual(errors, [], `not valid against ${schema}:\n${errors.join('\n')}\n${xml.slice(0, 3000)}`);
}

/** String values of an XPath over `xml` (elements' text, attributes' values). */
export function xpath(xml: string, expression: string, namespaces: Record<string, string>): string[] {
  const doc = parseXmlDocument(xml);
  return selectNodes(doc, expression, namespaces).map((n) => {
    const node = n as unknown as { type(): string; value?(): string; text?(): string };
    return node.type() === 'attribute' ? node.value!() : node.text!();
  });
}

/** Asserts `fn` throws a 400 InvalidRecord whose locator matches. */
export function assertInvalidRecord(fn: () => unknown, locator: string | RegExp, message?: RegExp): void {
  assert.throws(fn, (err: { status?: number; code?: string; locator?: string; message: string }) => {
    assert.ok(err instanceof BadRequest, `not a BadRequest: ${err.message}`);
    assert.equal(err.status, 400, err.message);
    assert.equal(err.code, 'InvalidRecord', err.message);
    if (typeof locator === 'string') assert.equal(err.locator, locator, err.message);
    else assert.match(err.locator ?? '', locator, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/**
 * Documents every XML format must refuse, with the root element they pretend to have: not XML,
 * not well-formed, a DOCTYPE with an external entity (XXE), an undeclared entity reference.
 */
export function hostileDocuments(rootTag: string, closeTag: string): Record<string, string> {
  return {
    'not XML': 'identifier: not-xml',
    'not well-formed': `${rootTag}<unclosed>`,
    'a DOCTYPE with an external entity': `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${rootTag}&xxe;${closeTag}`,
    'an undeclared entity': `${rootTag}&lol9;${closeTag}`,
  };
}
