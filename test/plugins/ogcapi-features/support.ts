/**
 * The OGC API - Features tests' harness: a real server with the features engine and this plugin
 * on one test database kind, users with API keys, sample collections created and filled through
 * the engine, and a small HTTP client.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import type { CollectionDefinition, FeatureInput, FeaturesService } from '../../../plugins/features/types.js';
import { apiClient, createTestUserKeys, type ApiRequest, type ApiResponse, type RequestOptions } from '../../helpers/api-client.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export const admin: Subject = authenticatedSubject({ id: 'root', issuer: LOCAL_USER_ISSUER, method: 'apikey', groups: ['admin'] });

export type { ApiResponse, RequestOptions };

export interface FeaturesApiHarness {
  server: TestServer;
  features: FeaturesService;
  /** http://127.0.0.1:PORT/ogcapi */
  base: string;
  keys: { admin: string; alice: string; bob: string };
  /** A path under the API (or an absolute URL). */
  request: ApiRequest;
  get(path: string, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startFeaturesApi(kind: TestDatabaseKind, options: { api?: Record<string, unknown>; engine?: Record<string, unknown>; inline?: Record<string, unknown> } = {}): Promise<FeaturesApiHarness> {
  const test = await kind.open();
  // The server opens its own connection on the same database (same PostgreSQL schema).
  await test.db.close();
  const server = await startTestServer(
    { sampleData: false, ...options.inline, database: test.config, plugins: { features: { ...options.engine }, 'ogcapi-features': { ...options.api } } },
    { builtinDir },
  );
  const running = server.meridian.plugins.find((p) => p.name === 'features');
  if (!running?.instance.provide) throw new Error('features plugin not running');
  const keys = await createTestUserKeys(server);
  const base = `${server.url}/ogcapi`;
  const request = apiClient(base, keys, { bodyType: 'application/geo+json' });
  return {
    server,
    features: running.instance.provide.features as FeaturesService,
    base,
    keys,
    request,
    get: (path, headers = {}) => request('GET', path, { headers }),
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}

/** The places collection: points in CRS84 with a property of every scalar type. */
export const PLACES: CollectionDefinition = {
  id: 'places',
  title: 'Places',
  description: 'Swiss towns, with a property of each type',
  keywords: ['towns', 'test'],
  geometryType: 'Point',
  properties: [
    { name: 'name', type: 'string', title: 'Name' },
    { name: 'population', type: 'integer', title: 'Population' },
    { name: 'area', type: 'number', description: 'km²' },
    { name: 'capital', type: 'boolean' },
    { name: 'founded', type: 'date' },
    { name: 'observed', type: 'datetime' },
    { name: 'canton', type: 'string' },
  ],
  temporalProperty: 'observed',
};

export const TOWNS: Array<{ name: string; lon: number; lat: number; population: number; area: number; capital: boolean; founded: string; canton: string }> = [
  { name: 'Bern', lon: 7.4474, lat: 46.948, population: 134000, area: 51.62, capital: true, founded: '1191-01-01', canton: 'BE' },
  { name: 'Zürich', lon: 8.5417, lat: 47.3769, population: 421000, area: 87.88, capital: false, founded: '1218-01-01', canton: 'ZH' },
  { name: 'Genève', lon: 6.1432, lat: 46.2044, population: 203000, area: 15.93, capital: false, founded: '1124-01-01', canton: 'GE' },
  { name: 'Basel', lon: 7.5886, lat: 47.5596, population: 173000, area: 23.91, capital: false, founded: '1225-01-01', canton: 'BS' },
  { name: 'Lausanne', lon: 6.6323, lat: 46.5197, population: 140000, area: 41.38, capital: false, founded: '1225-01-01', canton: 'VD' },
  { name: 'Lugano', lon: 8.9511, lat: 46.0037, population: 63000, area: 75.98, capital: false, founded: '1335-01-01', canton: 'TI' },
  { name: 'Sion', lon: 7.3589, lat: 46.2331, population: 35000, area: 34.85, capital: false, founded: '1217-01-01', canton: 'VS' },
  { name: 'Chur', lon: 9.5317, lat: 46.8499, population: 37000, area: 54.2, capital: false, founded: '1464-01-01', canton: 'GR' },
];

/** The towns as features, observed one month apart from January 2020 on (ids t0...). */
export function townFeatures(): FeatureInput[] {
  return TOWNS.map((t, i) => ({
    id: `t${i}`,
    geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
    properties: { name: t.name, population: t.population, area: t.area, capital: t.capital, founded: t.founded, observed: new Date(Date.UTC(2020, i, 15, 12)).toISOString(), canton: t.canton },
  }));
}

/** The grid collection: n points on a grid, ids g0000..., for paging (values 0..n-1). */
export const GRID: CollectionDefinition = {
  id: 'grid',
  title: 'Grid',
  geometryType: 'Point',
  properties: [
    { name: 'value', type: 'integer' },
    { name: 'label', type: 'string' },
  ],
};

export function gridFeatures(n: number): FeatureInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `g${String(i).padStart(4, '0')}`,
    geometry: { type: 'Point', coordinates: [(i % 10) + 0.5, Math.floor(i / 10) + 0.5] },
    properties: { value: i, label: `cell ${i}` },
  }));
}

/** The parcels collection: polygons stored in Swiss LV95 (EPSG:2056). */
export const PARCELS: CollectionDefinition = {
  id: 'parcels',
  title: 'Parcels',
  geometryType: 'Polygon',
  crs: 'EPSG:2056',
  properties: [{ name: 'owner_name', type: 'string' }],
};

/** Squares of 100 m in LV95 around Bern (x/y in metres). */
export function parcelFeatures(): FeatureInput[] {
  return [0, 1, 2].map((i) => {
    const x = 2600000 + i * 1000;
    const y = 1200000;
    return { id: `p${i}`, geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100], [x, y]]] }, properties: { owner_name: `owner ${i}` } };
  });
}

/** Creates a collection and fills it through the engine (as an admin). */
export async function addCollection(features: FeaturesService, definition: CollectionDefinition, inputs: FeatureInput[]): Promise<void> {
  await features.createCollection(definition, admin);
  if (inputs.length) await features.transaction([{ op: 'insert', collection: definition.id, features: inputs, crs: definition.crs }], admin);
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an independent client (gdal, python3 with OWSLib, chromium); never through a shell. */
export function run(command: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin!.end(options.input);
  });
}

/** Every page of an items URL, following next links; returns the features in order and the pages. */
export async function walkPages(h: FeaturesApiHarness, first: string): Promise<{ ids: string[]; pages: any[] }> {
  const ids: string[] = [];
  const pages: any[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await h.get(url);
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
    pages.push(res.json);
    ids.push(...res.json.features.map((f: { id: string }) => f.id));
    url = res.json.links.find((l: { rel: string }) => l.rel === 'next')?.href;
    if (pages.length > 1000) throw new Error('more than 1000 pages');
  }
  return { ids, pages };
}
