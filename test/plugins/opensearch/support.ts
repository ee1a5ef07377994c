/** Starts the real server with the catalogue engine and the OpenSearch plugin on one test database kind. */
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import { parseXmlDocument, selectNodes, type XmlDocument, type XmlDomElement } from '../../../core/ows/index.js';
import type { CatalogueRecordInput, CatalogueService } from '../../../plugins/catalogue/types.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir } from '../catalogue/support.js';

export interface OpenSearchHarness {
  server: TestServer;
  catalogue: CatalogueService;
  /** The plugin's base URL (http://127.0.0.1:port/opensearch). */
  base: string;
  close(): Promise<void>;
}

export async function startOpenSearch(kind: TestDatabaseKind, config: Record<string, unknown> = {}, inline: Record<string, unknown> = {}, catalogueConfig: Record<string, unknown> = {}): Promise<OpenSearchHarness> {
  const test = await kind.open();
  await test.db.close();
  const server = await startTestServer({ ...inline, database: test.config, plugins: { catalogue: catalogueConfig, opensearch: config } }, { builtinDir });
  const running = server.meridian.plugins.find((p) => p.name === 'catalogue');
  if (!running?.instance.provide) throw new Error('catalogue plugin not running');
  return {
    server,
    catalogue: running.instance.provide.catalogue as CatalogueService,
    base: `${server.url}/opensearch`,
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

/**
 * For a describe block: a server on `kind` holding FIXTURES, started before its tests and closed
 * after them. The before hook fills the harness in, so read it inside hooks and tests only.
 */
export function serveFixtures(kind: TestDatabaseKind): OpenSearchHarness {
  const harness = {} as OpenSearchHarness;
  before(async () => {
    Object.assign(harness, await startOpenSearch(kind));
    await harness.catalogue.upsert(FIXTURES);
  });
  after(async () => harness.close?.());
  return harness;
}

export const user = (id: string, groups: string[] = []) => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });

/** An API key for a user (X-API-Key header), so requests run as that subject. */
export async function apiKey(h: OpenSearchHarness, user: string, groups: string[] = []): Promise<string> {
  const { createApiKey } = await import('../../../core/auth/index.js');
  return (await createApiKey(h.server.meridian.stores.db, { user, groups })).key;
}

const box = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

/**
 * Small known records: two public collections, a private one of alice's, products with known
 * footprints, times and EO properties (one private to alice, one a MultiPolygon with offerings and
 * assets, one by the antimeridian).
 */
export const FIXTURES: CatalogueRecordInput[] = [
  { identifier: 'S2-TEST', type: 'collection', title: 'Sentinel-2 test collection', abstract: 'Optical test products', keywords: ['optical', 'test'], platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', geometry: box(-180, -80, 180, 80), start: '2020-01-01T00:00:00.000Z', end: '2020-12-31T23:59:59.999Z' },
  { identifier: 'S1-TEST', type: 'collection', title: 'Sentinel-1 test collection', abstract: 'Radar test products', keywords: ['radar'], platform: 'SENTINEL-1', instrument: 'SAR-C', sensorType: 'RADAR', productType: 'GRD', geometry: box(-180, -80, 180, 80), start: '2019-01-01T00:00:00.000Z', end: '2021-12-31T23:59:59.999Z' },
  { identifier: 'SECRET-COLL', type: 'collection', title: 'Secret collection', platform: 'SECRET-SAT', owner: 'alice', visibility: 'private', start: '2020-01-01T00:00:00.000Z' },
  { identifier: 'P01', type: 'product', parentIdentifier: 'S2-TEST', title: 'Paris morning', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', geometry: box(0, 0, 1, 1), start: '2020-01-10T10:00:00.000Z', end: '2020-01-10T10:00:10.000Z', cloudCover: 5, orbitNumber: 100, orbitDirection: 'ASCENDING', status: 'ARCHIVED', acquisitionType: 'NOMINAL' },
  { identifier: 'P02', type: 'product', parentIdentifier: 'S2-TEST', title: 'Lyon noon', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', geometry: box(10, 10, 11, 11), start: '2020-02-10T12:00:00.000Z', end: '2020-02-10T12:00:10.000Z', cloudCover: 15, orbitNumber: 200, orbitDirection: 'DESCENDING', status: 'ARCHIVED', acquisitionType: 'NOMINAL' },
  { identifier: 'P03', type: 'product', parentIdentifier: 'S2-TEST', title: 'Alps evening', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI1C', geometry: box(20, 20, 21, 21), start: '2020-03-10T18:00:00.000Z', end: '2020-03-10T18:00:10.000Z', cloudCover: 25, orbitNumber: 300, orbitDirection: 'ASCENDING', status: 'ARCHIVED', acquisitionType: 'CALIBRATION' },
  { identifier: 'P04', type: 'product', parentIdentifier: 'S2-TEST', title: 'Pacific by the date line', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'S2MSI2A', geometry: box(179.5, 5, 180, 6), start: '2020-04-10T00:00:00.000Z', end: '2020-04-10T00:00:10.000Z', cloudCover: 50, orbitNumber: 400, orbitDirection: 'DESCENDING', status: 'ARCHIVED', acquisitionType: 'NOMINAL' },
  {
    identifier: 'P05',
    type: 'product',
    parentIdentifier: 'S2-TEST',
    title: 'Two tiles',
    platform: 'SENTINEL-2',
    instrument: 'MSI',
    sensorType: 'OPTICAL',
    productType: 'S2MSI2A',
    geometry: { type: 'MultiPolygon', coordinates: [box(30, 30, 31, 31).coordinates, box(32, 32, 33, 33).coordinates] },
    start: '2020-05-10T08:00:00.000Z',
    end: '2020-05-10T08:00:10.000Z',
    cloudCover: 80,
    orbitNumber: 500,
    orbitDirection: 'ASCENDING',
    status: 'ARCHIVED',
    acquisitionType: 'NOMINAL',
    links: [{ rel: 'enclosure', href: 'https://data.example.org/P05.zip', type: 'application/zip', title: 'Download' }],
    assets: { thumbnail: { href: 'https://data.example.org/P05.jpg', type: 'image/jpeg', roles: ['thumbnail'] } },
    offerings: [{ code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms', operations: [{ code: 'GetMap', method: 'GET', type: 'image/png', href: 'https://maps.example.org/wms?SERVICE=WMS&REQUEST=GetMap&LAYERS=P05' }] }],
  },
  { identifier: 'P06', type: 'product', parentIdentifier: 'S2-TEST', title: 'Secret scene', platform: 'SENTINEL-2', instrument: 'MSI', sensorType: 'OPTICAL', productType: 'SECRET-TYPE', geometry: box(0, 0, 1, 1), start: '2020-06-10T00:00:00.000Z', end: '2020-06-10T00:00:10.000Z', cloudCover: 1, orbitNumber: 600, status: 'ARCHIVED', owner: 'alice', visibility: 'private' },
  { identifier: 'R01', type: 'product', parentIdentifier: 'S1-TEST', title: 'Radar over Paris', platform: 'SENTINEL-1', instrument: 'SAR-C', sensorType: 'RADAR', productType: 'GRD', geometry: box(0, 0, 2, 2), start: '2020-01-15T06:00:00.000Z', end: '2020-01-15T06:00:25.000Z', orbitNumber: 150, orbitDirection: 'ASCENDING', polarisationChannels: 'VV, VH', status: 'ARCHIVED', acquisitionType: 'NOMINAL' },
  { identifier: 'S01', type: 'product', parentIdentifier: 'SECRET-COLL', title: 'In a secret collection', platform: 'SECRET-SAT', geometry: box(0, 0, 1, 1), start: '2020-01-01T00:00:00.000Z', owner: 'alice', visibility: 'private' },
];

/** Public products of S2-TEST, by identifier. */
export const S2_PUBLIC = ['P01', 'P02', 'P03', 'P04', 'P05'];

export async function fetchText(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

export const NSMAP = {
  os: 'http://a9.com/-/spec/opensearch/1.1/',
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  georss: 'http://www.georss.org/georss',
  geo: 'http://a9.com/-/opensearch/extensions/geo/1.0/',
  time: 'http://a9.com/-/opensearch/extensions/time/1.0/',
  eo: 'http://a9.com/-/opensearch/extensions/eo/1.0/',
  param: 'http://a9.com/-/spec/opensearch/extensions/parameters/1.0/',
  owc: 'http://www.opengis.net/owc/1.0',
  ows: 'http://www.opengis.net/ows/2.0',
};

export function parse(text: string): XmlDocument {
  return parseXmlDocument(text);
}

/** Text of the elements, or values of the attributes, the XPath selects. */
export function values(doc: XmlDocument | XmlDomElement, xpath: string): string[] {
  return selectNodes(doc, xpath, NSMAP).map((n) => ((n as { type(): string }).type() === 'attribute' ? (n as unknown as { value(): string }).value() : (n as XmlDomElement).text()));
}

/** Fills an OpenSearch URL template: given qualified names get their value, the other optional ones are emptied. */
export function fillTemplate(template: string, given: Record<string, string>): string {
  return template.replace(/\{([^}?]+)\??\}/g, (_, qname: string) => (given[qname] === undefined ? '' : encodeURIComponent(given[qname]!)));
}
