/** Starts the real server with the catalogue engine and the CSW plugin on one test database kind. */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createUser } from '../../../core/auth/index.js';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import type { CatalogueRecordInput, CatalogueService } from '../../../plugins/catalogue/types.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { schemasRoot } from '../../helpers/xsd.js';
import { builtinDir } from '../catalogue/support.js';

export interface CswHarness {
  server: TestServer;
  /** The CSW endpoint, http://127.0.0.1:PORT/csw */
  url: string;
  catalogue: CatalogueService;
  close(): Promise<void>;
}

export interface CswHarnessOptions {
  csw?: Record<string, unknown>;
  catalogue?: Record<string, unknown>;
  /** More plugins (config by name), e.g. a fixture plugin registering an OpenSearch service. */
  plugins?: Record<string, unknown>;
  /** Core config keys (auth, sampleData...). */
  inline?: Record<string, unknown>;
}

export async function startCsw(kind: TestDatabaseKind, options: CswHarnessOptions = {}): Promise<CswHarness> {
  const test = await kind.open();
  await test.db.close();
  const server = await startTestServer(
    { ...options.inline, database: test.config, plugins: { catalogue: options.catalogue ?? {}, csw: options.csw ?? {}, ...options.plugins } },
    { builtinDir },
  );
  const running = server.meridian.plugins.find((p) => p.name === 'catalogue');
  if (!running?.instance.provide) throw new Error('catalogue plugin not running');
  return {
    server,
    url: `${server.url}/csw`,
    catalogue: running.instance.provide.catalogue as CatalogueService,
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

/** Fixture records: two collections and products with known places, times, clouds and keywords. */
export function fixtureRecords(): CatalogueRecordInput[] {
  const box = (minx: number, miny: number, maxx: number, maxy: number) => ({
    type: 'Polygon' as const,
    coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]],
  });
  return [
    { identifier: 'S2-L2A', type: 'collection', title: 'Sentinel-2 Level-2A', abstract: 'Surface reflectance products', keywords: ['Sentinel-2', 'optical'], geometry: box(-180, -85, 180, 85), start: '2017-01-01T00:00:00Z', platform: 'SENTINEL-2', productType: 'S2MSI2A' },
    { identifier: 'S1-GRD', type: 'collection', title: 'Sentinel-1 GRD', abstract: 'Radar backscatter', keywords: ['Sentinel-1', 'radar'], geometry: box(-180, -85, 180, 85), start: '2015-01-01T00:00:00Z', platform: 'SENTINEL-1', productType: 'GRD' },
    { identifier: 'S2A_PARIS_20200601', type: 'product', parentIdentifier: 'S2-L2A', title: 'Sentinel-2A over Paris', abstract: 'A clear day over the Ile-de-France', keywords: ['Paris', 'France'], geometry: box(1.5, 48.3, 3.2, 49.3), start: '2020-06-01T10:50:00Z', end: '2020-06-01T10:50:30Z', platform: 'SENTINEL-2', productType: 'S2MSI2A', cloudCover: 3.5, orbitDirection: 'DESCENDING' },
    { identifier: 'S2B_ROME_20200715', type: 'product', parentIdentifier: 'S2-L2A', title: 'Sentinel-2B over Rome', abstract: 'Lazio in summer', keywords: ['Rome', 'Italy'], geometry: box(11.8, 41.5, 13.1, 42.3), start: '2020-07-15T09:40:00Z', end: '2020-07-15T09:40:30Z', platform: 'SENTINEL-2', productType: 'S2MSI2A', cloudCover: 41, orbitDirection: 'DESCENDING' },
    { identifier: 'S1A_PARIS_20210310', type: 'product', parentIdentifier: 'S1-GRD', title: 'Sentinel-1A GRD over Paris', abstract: 'Night pass, VV+VH', keywords: ['Paris', 'France'], geometry: box(1.0, 48.0, 3.9, 49.9), start: '2021-03-10T17:45:00Z', end: '2021-03-10T17:45:25Z', platform: 'SENTINEL-1', productType: 'GRD', orbitDirection: 'ASCENDING', polarisationChannels: 'VV, VH' },
    { identifier: 'S2A_SYDNEY_20190102', type: 'product', parentIdentifier: 'S2-L2A', title: 'Sentinel-2A over Sydney', abstract: 'New South Wales coast', keywords: ['Sydney', 'Australia'], geometry: box(150.6, -34.2, 151.5, -33.5), start: '2019-01-02T00:10:00Z', end: '2019-01-02T00:10:30Z', platform: 'SENTINEL-2', productType: 'S2MSI2A', cloudCover: 12, orbitDirection: 'DESCENDING' },
  ];
}

export interface Fetched {
  status: number;
  contentType: string;
  body: string;
  headers: Headers;
}

export async function get(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(`${url}?${new URLSearchParams(params).toString()}`, { headers, redirect: 'manual' });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

export async function post(url: string, xml: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml', ...headers } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an independent client (python3 with OWSLib, ogrinfo); never through a shell. */
export function run(command: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export const CSW202 = 'http://www.opengis.net/cat/csw/2.0.2';
export const CSW30 = 'http://www.opengis.net/cat/csw/3.0';
export const NS = {
  csw: CSW202,
  csw30: CSW30,
  dc: 'http://purl.org/dc/elements/1.1/',
  dct: 'http://purl.org/dc/terms/',
  ows: 'http://www.opengis.net/ows',
  ows20: 'http://www.opengis.net/ows/2.0',
  ogc: 'http://www.opengis.net/ogc',
  fes: 'http://www.opengis.net/fes/2.0',
  gmd: 'http://www.isotc211.org/2005/gmd',
  gco: 'http://www.isotc211.org/2005/gco',
  gml: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

export const SCHEMAS = {
  discovery202: 'ogc/csw/2.0.2/CSW-discovery.xsd',
  publication202: 'ogc/csw/2.0.2/CSW-publication.xsd',
  csw30: 'ogc/cat/csw/3.0/cswAll.xsd',
  ows10Exception: 'ogc/ows/1.0.0/owsExceptionReport.xsd',
  ows20Exception: 'ogc/ows/2.0/owsExceptionReport.xsd',
} as const;

/**
 * A schema importing several official ones (relative to the schemas root), written once into the
 * prepared copy: responses embedding ISO records (xsd:any strict) validate only with both loaded.
 */
export function combinedSchema(name: string, imports: Record<string, string>): string {
  const file = path.join(schemasRoot(), 'ogc', `${name}.xsd`);
  if (!existsSync(file)) {
    const body = Object.entries(imports)
      .map(([namespace, location]) => `  <xs:import namespace="${namespace}" schemaLocation="${location}"/>`)
      .join('\n');
    writeFileSync(file, `<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:meridian:test:${name}">\n${body}\n</xs:schema>\n`);
  }
  return `ogc/${name}.xsd`;
}

export const CSW202_WITH_ISO = () => combinedSchema('csw202-iso', { [CSW202]: 'csw/2.0.2/CSW-discovery.xsd', [NS.gmd]: 'iso/19139/20070417/gmd/gmd.xsd' });
export const CSW30_WITH_ISO = () => combinedSchema('csw30-iso', { [CSW30]: 'cat/csw/3.0/cswAll.xsd', [NS.gmd]: 'iso/19139/20070417/gmd/gmd.xsd' });
export const PUBLICATION202_WITH_ISO = () => combinedSchema('csw202-publication-iso', { [CSW202]: 'csw/2.0.2/CSW-publication.xsd', [NS.gmd]: 'iso/19139/20070417/gmd/gmd.xsd' });

/** Text of the elements, or values of the attributes, an XPath selects (prefixes of NS bound). */
export function xpath(xml: string, expression: string): string[] {
  return selectNodes(parseXmlDocument(xml), expression, { ...NS }).map((n) => {
    const node = n as unknown as { type(): string; value(): string; text(): string };
    return node.type() === 'attribute' ? node.value() : node.text();
  });
}

/** The exception code and locator of an ExceptionReport (OWS 1.0 or 2.0). */
export function exception(xml: string): { code?: string; locator?: string; text?: string } {
  const doc = parseXmlDocument(xml);
  const ex = selectNodes(doc, "//*[local-name()='Exception']", {})[0] as unknown as { attr(n: string): { value(): string } | null; text(): string } | undefined;
  return { code: ex?.attr('exceptionCode')?.value(), locator: ex?.attr('locator')?.value(), text: ex?.text().trim() };
}

export interface Credentials {
  user: string;
  password: string;
}

/** A local user (HTTP Basic) with the groups given. */
export async function addUser(h: CswHarness, user: string, groups: string[] = []): Promise<Credentials> {
  const password = `pw-${user}-${Math.random().toString(36).slice(2)}`;
  await createUser(h.server.meridian.stores.db, { name: user, password, groups });
  return { user, password };
}

export const basicAuth = (c: Credentials) => ({ Authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` });
