/**
 * The ADES tests' harness: a real server with the catalogue, the processing engine and the ADES
 * on one test database kind, users with API keys, a policy that lets authenticated users run
 * public processes, a small COG made with GDAL, and an HTTP client.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRules } from '../../../core/auth/decision-points/default-rules.js';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { apiClient, createTestUserKeys, type ApiRequest, type ApiResponse, type RequestOptions } from '../../helpers/api-client.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The default rules, plus: authenticated users may execute public processes. */
export const testRules = [
  ...defaultRules.slice(0, 2),
  {
    name: 'authenticated users run public processes',
    effect: 'permit',
    subjects: { authenticated: true },
    resources: { service: 'processing', type: 'process', attributes: { visibility: { notIn: ['private'] } } },
    actions: ['execute'],
  },
  ...defaultRules.slice(2),
];

export type { ApiResponse, RequestOptions };

export interface AdesHarness {
  server: TestServer;
  base: string;
  keys: { admin: string; alice: string; bob: string };
  catalogue: CatalogueService;
  request: ApiRequest;
  /** Polls the job until it leaves accepted/running. */
  waitJob(id: string, as: 'admin' | 'alice' | 'bob', timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  processing?: Record<string, unknown>;
  ades?: Record<string, unknown>;
  inline?: Record<string, unknown>;
  catalogue?: boolean;
  /** Reuse this data dir / database config (restart tests). */
  database?: Record<string, unknown>;
  /** More plugins to enable, with their config. */
  plugins?: Record<string, unknown>;
}

export async function startAdes(kind: TestDatabaseKind | null, options: HarnessOptions = {}): Promise<AdesHarness> {
  let database = options.database;
  if (!database && kind) {
    const test = await kind.open();
    await test.db.close();
    database = test.config as unknown as Record<string, unknown>;
  }
  const plugins: Record<string, unknown> = {
    processing: { stageIn: { allowPrivateNetworks: true }, callbacks: { allowPrivateNetworks: true }, packageFetch: { allowPrivateNetworks: true }, ...options.processing },
    ades: { ...options.ades },
  };
  if (options.catalogue !== false) plugins.catalogue = {};
  Object.assign(plugins, options.plugins);
  const server = await startTestServer(
    {
      sampleData: false,
      ...options.inline,
      ...(database ? { database } : {}),
      jobs: { pollIntervalMs: 50, shutdownGraceMs: 500, ...((options.inline?.jobs as object) ?? {}) },
      auth: { decisionPoint: { type: 'rules', rules: testRules } },
      plugins,
    },
    { builtinDir },
  );
  const keys = await createTestUserKeys(server);
  const base = `${server.url}/ades`;
  const catalogue = server.meridian.plugins.find((p) => p.name === 'catalogue')?.instance.provide?.catalogue as CatalogueService;
  const request = apiClient(base, keys, { bodyType: 'application/json' });
  return {
    server,
    base,
    keys,
    catalogue,
    request,
    async waitJob(id, as, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await request('GET', `/jobs/${id}`, { as });
        if (res.status !== 200) throw new Error(`job ${id}: ${res.status} ${res.text}`);
        if (!['accepted', 'running'].includes(res.json.status)) return res.json;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${res.json.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => server.close(),
  };
}

/** A 2-band, 64x64 GeoTIFF (COG) over [10, 49, 11, 50], band values 10 and 50. */
export function makeCog(dir = mkdtempSync(join(tmpdir(), 'meridian-cog-'))): string {
  const src = join(dir, 'src.tif');
  const cog = join(dir, 'scene.tif');
  execFileSync('gdal_create', ['-of', 'GTiff', '-outsize', '64', '64', '-bands', '2', '-burn', '10', '-burn', '50', '-ot', 'Byte', '-a_srs', 'EPSG:4326', '-a_ullr', '10', '50', '11', '49', src]);
  execFileSync('gdal_translate', ['-q', '-of', 'COG', src, cog]);
  return cog;
}

/** gdalinfo -json of a file. */
export function gdalInfo(path: string): any {
  return JSON.parse(execFileSync('gdalinfo', ['-json', '-stats', path], { encoding: 'utf8' }));
}
