/** A catalogue server with users and API keys, and a small HTTP client for its records API. */
import { createApiKey, createUser } from '../../../../core/auth/index.js';
import type { TestDatabaseKind } from '../../../helpers/databases.js';
import { startCatalogue, type CatalogueHarness } from '../support.js';

export interface ApiHarness extends CatalogueHarness {
  /** The API's base URL (…/catalogue). */
  base: string;
  /** API keys: admin (group admin), alice and bob (plain users), carol (group team). */
  keys: { admin: string; alice: string; bob: string; carol: string };
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
}

export interface RequestOptions {
  /** A JSON value (sent as JSON) or text. */
  body?: unknown;
  type?: string;
  /** Which API key to send (X-API-Key); none: anonymous. */
  as?: keyof ApiHarness['keys'];
  /** HTTP Basic credentials instead. */
  basic?: [string, string];
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON when it is JSON. */
  json: any;
}

export async function startApi(kind: TestDatabaseKind, config: Record<string, unknown> = {}): Promise<ApiHarness> {
  const h = await startCatalogue(kind, { sampleProducts: 0, ...config }, { sampleData: false });
  const db = h.server.meridian.stores.db;
  const keys = {
    admin: (await createApiKey(db, { user: 'root', groups: ['admin'] })).key,
    alice: (await createApiKey(db, { user: 'alice' })).key,
    bob: (await createApiKey(db, { user: 'bob' })).key,
    carol: (await createApiKey(db, { user: 'carol', groups: ['team'] })).key,
  };
  await createUser(db, { name: 'dana', password: 'dana-secret', groups: ['admin'] });
  await createUser(db, { name: 'erin', password: 'erin-secret' });
  const base = `${h.server.url}/catalogue`;
  return {
    ...h,
    base,
    keys,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.as) headers['X-API-Key'] = keys[options.as];
      if (options.basic) headers.Authorization = `Basic ${Buffer.from(options.basic.join(':')).toString('base64')}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['Content-Type'] = options.type ?? 'application/geo+json';
      }
      const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

/** An OGC 17-084 collection feature. */
export function collectionFeature(identifier: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Feature',
    id: identifier,
    geometry: { type: 'Polygon', coordinates: [[[-10, 35], [30, 35], [30, 70], [-10, 70], [-10, 35]]] },
    properties: {
      kind: 'http://purl.org/dc/dcmitype/Collection',
      identifier,
      title: `Collection ${identifier}`,
      abstract: 'A test collection',
      date: '2020-01-01T00:00:00Z/..',
      updated: '2024-01-01T00:00:00Z',
      status: 'ARCHIVED',
      links: {},
      acquisitionInformation: [{ platform: { platformShortName: 'Sentinel-2' }, instrument: { instrumentShortName: 'MSI', sensorType: 'OPTICAL' } }],
      ...extra,
    },
  };
}

/** An OGC 17-003 product feature. */
export function productFeature(identifier: string, parent: string | undefined, extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    type: 'Feature',
    id: identifier,
    geometry: { type: 'Polygon', coordinates: [[[2, 48], [3, 48], [3, 49], [2, 49], [2, 48]]] },
    properties: {
      identifier,
      ...(parent !== undefined ? { parentIdentifier: parent } : {}),
      title: `Product ${identifier}`,
      date: '2021-06-01T10:00:00Z/2021-06-01T10:00:10Z',
      updated: '2021-06-02T00:00:00Z',
      status: 'ARCHIVED',
      links: { data: [{ href: `https://data.example.org/${identifier}.zip`, type: 'application/zip', title: 'Download' }] },
      acquisitionInformation: [
        {
          platform: { platformShortName: 'Sentinel-2', platformSerialIdentifier: 'A' },
          instrument: { instrumentShortName: 'MSI', sensorType: 'OPTICAL' },
          acquisitionParameters: { acquisitionType: 'NOMINAL', orbitNumber: 31000, orbitDirection: 'DESCENDING', beginningDateTime: '2021-06-01T10:00:00Z', endingDateTime: '2021-06-01T10:00:10Z' },
        },
      ],
      productInformation: { productType: 'S2MSI2A', cloudCover: 12, availabilityTime: '2021-06-01T12:00:00Z' },
      ...extra,
    },
  };
}

/** A STAC 1.0.0 Item. */
export function stacItem(id: string, collection: string | undefined, properties: Record<string, unknown> = {}): Record<string, any> {
  return {
    type: 'Feature',
    stac_version: '1.0.0',
    stac_extensions: ['https://stac-extensions.github.io/eo/v1.0.0/schema.json'],
    id,
    geometry: { type: 'Polygon', coordinates: [[[10, 45], [11, 45], [11, 46], [10, 46], [10, 45]]] },
    bbox: [10, 45, 11, 46],
    properties: { datetime: '2022-03-04T10:20:30Z', platform: 'sentinel-2b', constellation: 'sentinel-2', instruments: ['msi'], 'eo:cloud_cover': 3.5, gsd: 10, ...properties },
    links: [],
    assets: { visual: { href: `https://data.example.org/${id}/TCI.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['visual'] } },
    ...(collection !== undefined ? { collection } : {}),
  };
}
