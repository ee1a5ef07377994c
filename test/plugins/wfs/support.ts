/** Starts the real server with the features engine and the WFS plugin on one test database kind, and fills it through the engine. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import { authenticatedSubject, createUser, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import type { CollectionDefinition, FeatureInput, FeaturesService } from '../../../plugins/features/types.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { SCHEMAS_SOURCE, schemasRoot, validateXml } from '../../helpers/xsd.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

export interface WfsHarness {
  server: TestServer;
  /** The WFS endpoint, http://127.0.0.1:PORT/wfs */
  url: string;
  features: FeaturesService;
  close(): Promise<void>;
}

export interface WfsHarnessOptions {
  wfs?: Record<string, unknown>;
  features?: Record<string, unknown>;
  inline?: Record<string, unknown>;
  /** Other plugins to run beside features and wfs (e.g. 'ogcapi-features'). */
  plugins?: Record<string, unknown>;
}

export async function startWfs(kind: TestDatabaseKind, options: WfsHarnessOptions = {}): Promise<WfsHarness> {
  const test = await kind.open();
  await test.db.close();
  let server: TestServer;
  try {
    server = await startTestServer({ ...options.inline, database: test.config, plugins: { ...options.plugins, features: options.features ?? {}, wfs: options.wfs ?? {} } }, { builtinDir });
  } catch (err) {
    await test.dispose();
    throw err;
  }
  const running = server.meridian.plugins.find((p) => p.name === 'features');
  if (!running?.instance.provide) throw new Error('features plugin not running');
  return {
    server,
    url: `${server.url}/wfs`,
    features: running.instance.provide.features as FeaturesService,
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

export const user = (id: string, groups: string[] = []): Subject => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });
export const admin = user('root', ['admin']);

export const PLACES: CollectionDefinition = {
  id: 'places',
  title: 'Places',
  description: 'Towns with a few typed attributes',
  keywords: ['towns', 'test'],
  geometryType: 'Point',
  properties: [
    { name: 'name', type: 'string' },
    { name: 'population', type: 'integer' },
    { name: 'area', type: 'number' },
    { name: 'capital', type: 'boolean' },
    { name: 'founded', type: 'date' },
    { name: 'surveyed', type: 'datetime' },
  ],
};

export const PLACE_ROWS: Array<{ name: string; population: number; area: number; capital: boolean; founded: string; surveyed: string; lon: number; lat: number }> = [
  { name: 'Bern', population: 134000, area: 51.62, capital: true, founded: '1191-01-01', surveyed: '2020-05-17T10:30:00.000Z', lon: 7.4474, lat: 46.948 },
  { name: 'Zurich', population: 421000, area: 87.88, capital: false, founded: '1218-01-01', surveyed: '2021-01-02T08:00:00.000Z', lon: 8.5417, lat: 47.3769 },
  { name: 'Geneva', population: 203000, area: 15.93, capital: false, founded: '1534-06-30', surveyed: '2019-11-11T11:11:11.000Z', lon: 6.1432, lat: 46.2044 },
  { name: 'Basel', population: 178000, area: 23.91, capital: false, founded: '1226-01-01', surveyed: '2022-03-04T05:06:07.000Z', lon: 7.5886, lat: 47.5596 },
  { name: 'Lausanne', population: 140000, area: 41.38, capital: false, founded: '1000-01-01', surveyed: '2018-07-08T09:10:11.000Z', lon: 6.6323, lat: 46.5197 },
  { name: 'Sion', population: 34000, area: 34.85, capital: false, founded: '1000-01-01', surveyed: '2023-01-01T00:00:00.000Z', lon: 7.3606, lat: 46.2331 },
];

export const placeInputs = (): FeatureInput[] =>
  PLACE_ROWS.map(({ lon, lat, ...properties }) => ({ geometry: { type: 'Point', coordinates: [lon, lat] }, properties }));

/** Polygons stored in Swiss LV95 (EPSG:2056), for output CRSs and projected filters. */
export const REGIONS: CollectionDefinition = {
  id: 'regions',
  title: 'Regions (LV95)',
  geometryType: 'Polygon',
  crs: 'EPSG:2056',
  properties: [{ name: 'label', type: 'string' }, { name: 'code', type: 'integer' }],
};

export const regionInputs = (): FeatureInput[] => [
  { properties: { label: 'west', code: 1 }, geometry: { type: 'Polygon', coordinates: [[[2500000, 1110000], [2600000, 1110000], [2600000, 1200000], [2500000, 1200000], [2500000, 1110000]]] } },
  { properties: { label: 'east', code: 2 }, geometry: { type: 'Polygon', coordinates: [[[2650000, 1200000], [2750000, 1200000], [2750000, 1280000], [2650000, 1280000], [2650000, 1200000]]] } },
];

export async function createFilled(features: FeaturesService, definition: CollectionDefinition, inputs: FeatureInput[], subject: Subject = admin): Promise<string[]> {
  await features.createCollection(definition, subject);
  if (inputs.length === 0) return [];
  const result = await features.transaction([{ op: 'insert', collection: definition.id, features: inputs }], subject);
  return result.inserted;
}

export interface Fetched {
  status: number;
  contentType: string;
  body: string;
  headers: Headers;
}

export async function get(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(`${url}?${new URLSearchParams(params).toString()}`, { headers });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

export async function getUrl(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { headers });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

export async function post(url: string, xml: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml', ...headers } });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

export const NS = {
  wfs: 'http://www.opengis.net/wfs/2.0',
  wfs11: 'http://www.opengis.net/wfs',
  fes: 'http://www.opengis.net/fes/2.0',
  ogc: 'http://www.opengis.net/ogc',
  ows: 'http://www.opengis.net/ows/1.1',
  ows10: 'http://www.opengis.net/ows',
  gml: 'http://www.opengis.net/gml/3.2',
  gml311: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  meridian: 'urn:meridian:features',
} as const;

/** Text of the elements, or values of the attributes, an XPath selects (prefixes of NS bound). */
export function xpath(xml: string, expression: string): string[] {
  return selectNodes(parseXmlDocument(xml), expression, { ...NS }).map((n) => {
    const node = n as unknown as { type(): string; value(): string; text(): string };
    return node.type() === 'attribute' ? node.value() : node.text();
  });
}

/** The exception code, locator and text of an ExceptionReport (OWS 1.0 or 1.1). */
export function exception(xml: string): { code?: string; locator?: string; text?: string; namespace?: string; version?: string } {
  const doc = parseXmlDocument(xml);
  const root = selectNodes(doc, '/*', {})[0] as unknown as { namespace(): { href(): string } | null; attr(n: string): { value(): string } | null };
  const ex = selectNodes(doc, "//*[local-name()='Exception']", {})[0] as unknown as { attr(n: string): { value(): string } | null; text(): string } | undefined;
  return {
    code: ex?.attr('exceptionCode')?.value(),
    locator: ex?.attr('locator')?.value(),
    text: ex?.text().trim(),
    namespace: root?.namespace()?.href(),
    version: root?.attr('version')?.value(),
  };
}

export const SCHEMAS = {
  wfs20: 'ogc/wfs/2.0/wfs.xsd',
  wfs11: 'ogc/wfs/1.1.0/wfs.xsd',
  ows11Exception: 'ogc/ows/1.1.0/owsExceptionReport.xsd',
  ows10Exception: 'ogc/ows/1.0.0/owsExceptionReport.xsd',
  xmlSchema: 'w3/2001/XMLSchema.xsd',
} as const;

let schemaCounter = 0;

/**
 * Validates a response holding features against the WFS schema and the application schema the
 * service generated (its DescribeFeatureType XSD, written into the prepared schema copy with the
 * GML import pointing at the local GML schema).
 */
export function validateWithApplicationSchema(xml: string, applicationXsd: string, version: '2.0.0' | '1.1.0'): string[] {
  const root = schemasRoot();
  const n = ++schemaCounter;
  const dir = path.join(root, 'ogc');
  const appFile = `meridian-app-${process.pid}-${n}.xsd`;
  const gmlLocal = version === '2.0.0' ? 'gml/3.2.1/gml.xsd' : 'gml/3.1.1/base/gml.xsd';
  writeFileSync(path.join(dir, appFile), applicationXsd.replace(/schemaLocation="http:\/\/schemas\.opengis\.net\/gml\/[^"]+"/, `schemaLocation="${gmlLocal}"`));
  const combined = `meridian-combined-${process.pid}-${n}.xsd`;
  const wfs = version === '2.0.0' ? ['http://www.opengis.net/wfs/2.0', 'wfs/2.0/wfs.xsd'] : ['http://www.opengis.net/wfs', 'wfs/1.1.0/wfs.xsd'];
  writeFileSync(
    path.join(dir, combined),
    `<?xml version="1.0"?>\n<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:meridian:test:combined${n}">\n` +
      `  <xs:import namespace="${wfs[0]}" schemaLocation="${wfs[1]}"/>\n  <xs:import namespace="${NS.meridian}" schemaLocation="${appFile}"/>\n</xs:schema>\n`,
  );
  return validateXml(xml, `ogc/${combined}`);
}

let geojsonAjv: Ajv | undefined;
const geojsonValidators = new Map<string, ValidateFunction>();

/** Validates against the official GeoJSON schemas (geojson.org, draft-07), offline. */
export function validateGeoJson(doc: unknown, schema: 'FeatureCollection' | 'Feature' = 'FeatureCollection'): string[] {
  if (!geojsonAjv) {
    geojsonAjv = new Ajv({ allErrors: true, strict: false });
    const dir = path.join(SCHEMAS_SOURCE, 'geojson/schema');
    for (const name of readdirSync(dir)) {
      const s = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
      const id = String(s.$id);
      delete s.$id;
      geojsonAjv.addSchema(s, id);
    }
  }
  const id = `https://geojson.org/schema/${schema}.json`;
  let v = geojsonValidators.get(id);
  if (!v) {
    v = geojsonAjv.getSchema(id)!;
    geojsonValidators.set(id, v);
  }
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

export interface Credentials {
  user: string;
  password: string;
}

export async function addUser(h: WfsHarness, name: string, groups: string[] = []): Promise<Credentials> {
  const password = `pw-${name}-${Math.random().toString(36).slice(2)}`;
  await createUser(h.server.meridian.stores.db, { name, password, groups });
  return { user: name, password };
}

export const basicAuth = (c: Credentials) => ({ Authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` });

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an independent client (ogrinfo, ogr2ogr, python3 with OWSLib/GDAL); never through a shell. */
export function run(command: string, args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
