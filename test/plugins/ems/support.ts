/**
 * What the EMS tests share: the CWL fixtures; server B, an engine and its ADES that server A's
 * EMS reaches with an API key; A's EMS config with B as its ADES; alice's scene on A; a client of
 * A's /ems; and the polling of an EMS job to its end.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../../../core/auth/index.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import type { TestUser } from '../../helpers/api-client.js';
import { startAdes, type AdesHarness, type ApiResponse, type HarnessOptions, type RequestOptions } from '../ades/support.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export type EmsCall = (method: string, path: string, o?: RequestOptions) => Promise<ApiResponse>;

/**
 * Requests to a server's EMS: a path under its /ems, or a whole URL (a result's href). The
 * harness is looked up at each call, so the client can be made before a `before` hook starts it.
 */
export const emsClient =
  (harness: () => AdesHarness): EmsCall =>
  (method, path, o = {}) =>
    harness().request(method, path.startsWith('http') ? path : `${harness().server.url}/ems${path}`, o);

/** Server B: an engine and its ADES (no catalogue), and the API key of the EMS's account there ('ems-of-a'). */
export interface RemoteAdes {
  ades: AdesHarness;
  key: string;
  /** A GET on B's ADES (`/jobs`, `/processes`) as the EMS's account. */
  get(path: string): Promise<ApiResponse>;
}

export async function startRemoteAdes(kind: TestDatabaseKind, options: HarnessOptions = {}): Promise<RemoteAdes> {
  const ades = await startAdes(kind, { catalogue: false, ...options });
  const key = (await createApiKey(ades.server.meridian.stores.db, { user: 'ems-of-a' })).key;
  return { ades, key, get: (path) => ades.request('GET', `${ades.base}${path}`, { headers: { 'X-API-Key': key } }) };
}

/**
 * The config of server A's EMS with B its one configured ADES (id 'b') and its default, discovery
 * off, step jobs polled every 100 ms. `ades` adds to B's entry (dataHosts); the rest to the config.
 */
export function emsOnB(b: RemoteAdes, { ades, ...more }: { ades?: Record<string, unknown>; [key: string]: unknown } = {}): Record<string, unknown> {
  return { pollIntervalMs: 100, ades: [{ id: 'b', url: b.ades.base, credentials: { apiKey: b.key }, ...ades }], defaultAdes: 'b', discover: { enabled: false }, ...more };
}

/**
 * Alice's scene on server A: the COG as her blob `workspaces/alice/scene.tif`, and catalogue
 * product 'scene-1' of the public collection 'scenes' with that blob's file as its data asset (so
 * a step reading it is placed on A).
 */
export async function addScene(a: AdesHarness, cog: string): Promise<void> {
  const blobs = a.server.meridian.stores.blobs as typeof a.server.meridian.stores.blobs & { localPath(key: string): string };
  await blobs.put('workspaces/alice/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
  await a.catalogue.upsert([
    { identifier: 'scenes', type: 'collection', title: 'Scenes', visibility: 'public' },
    { identifier: 'scene-1', type: 'product', parentIdentifier: 'scenes', title: 'Scene 1', start: '2026-06-01T10:00:00Z', geometry: { type: 'Polygon', coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] }, visibility: 'public', assets: { data: { href: blobs.localPath('workspaces/alice/scene.tif'), type: 'image/tiff; application=geotiff', roles: ['data'] } } },
  ]);
}

/**
 * Server A's options for a restart test: its database outlives a stop (a file for SQLite, a
 * schema of its own for PostgreSQL), no catalogue, its EMS on B. `dispose` drops the database.
 */
export async function restartableEms(kind: TestDatabaseKind, b: RemoteAdes, tmpPrefix: string): Promise<{ options: HarnessOptions; dispose(): Promise<void> }> {
  const test = await kind.open();
  await test.db.close();
  const database = kind.name === 'sqlite' ? { client: 'sqlite', filename: join(mkdtempSync(join(tmpdir(), tmpPrefix)), 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
  return { options: { database, catalogue: false, plugins: { ems: emsOnB(b) } }, dispose: () => test.dispose().catch(() => {}) };
}

/**
 * Polls an EMS job every 100 ms (as alice unless `as`) until it leaves accepted/running: its
 * status document. `poll` is given each status document on the way, the last one included.
 */
export async function waitEms(call: EmsCall, id: string, { as = 'alice', timeoutMs = 120_000, poll }: { as?: TestUser; timeoutMs?: number; poll?: (status: any) => Promise<void> } = {}): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('GET', `/jobs/${id}`, { as });
    assert.equal(res.status, 200, res.text);
    await poll?.(res.json);
    if (!['accepted', 'running'].includes(res.json.status)) return res.json;
    if (Date.now() > deadline) throw new Error(`EMS job ${id} still ${res.json.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls an EMS job's log (as alice) every 100 ms until `done` says it shows what the test waits for; fails after 60 s with the log. */
export async function waitLogs(call: EmsCall, id: string, done: (logs: string) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const logs = (await call('GET', `/jobs/${id}/logs`, { as: 'alice' })).text;
    if (done(logs)) break;
    assert.ok(Date.now() < deadline, logs);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** After a restart: polls the job (as alice) until it ends, within 120 s, and asserts it succeeded; its status document and log. */
export async function waitResumed(call: EmsCall, id: string): Promise<{ status: any; logs: string }> {
  const deadline = Date.now() + 120_000;
  let status: any;
  for (;;) {
    status = (await call('GET', `/jobs/${id}`, { as: 'alice' })).json;
    if (!['accepted', 'running'].includes(status.status)) break;
    assert.ok(Date.now() < deadline, JSON.stringify(status));
    await new Promise((r) => setTimeout(r, 100));
  }
  const logs = (await call('GET', `/jobs/${id}/logs`, { as: 'alice' })).text;
  assert.equal(status.status, 'successful', `${status.message}\n${logs}`);
  return { status, logs };
}
