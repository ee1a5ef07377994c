// Meridian as the benchmark serves it: `meridian serve` (../meridian-serve.ts) with a config of
// its own in a temp dir enabling the coverages engine on the benchmark's two COGs and the WMS,
// WCS and WMTS plugins over it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './baseline.js';
import type { BenchData } from './data.js';
import { startMeridianServe } from '../meridian-serve.js';
import { meridianStyles } from './styles.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Which of the protocol plugins are there yet (the benchmark runs the cases it can). */
export function protocolPlugins(): Record<ProtocolPlugin, boolean> {
  const has = (name: string) => existsSync(join(repo, 'plugins', name, 'index.ts'));
  return { wms: has('wms'), wcs: has('wcs'), wmts: has('wmts') };
}

export interface MeridianServer {
  origin: string;
  /** The `meridian serve` process (the cluster primary when there are several server processes). */
  pid: number;
  /** It and its server processes: whose CPU and memory count. */
  pids(): number[];
  /** The fs blob store's root (the WMTS tile cache is under it). */
  blobRoot: string;
  dir: string;
  log(): string;
  close(): Promise<void>;
}

export type ProtocolPlugin = 'wms' | 'wcs' | 'wmts';

export interface MeridianOptions {
  /** Worker threads of the coverages engine. */
  workers: number;
  /** The protocol plugins to enable (those there and wanted by the cases run). */
  plugins: ProtocolPlugin[];
  /** Decoded-tile cache of each worker, MiB (the baseline's GDAL block cache gets as much per process). */
  tileCacheMB: number;
  /** HTTP server processes (`server.processes`); the coverages workers are shared out among them. */
  serverProcesses: number;
}

export function meridianConfig(data: BenchData, dir: string, port: number, options: MeridianOptions): Record<string, unknown> {
  const styles = meridianStyles(data);
  const plugins: Record<string, unknown> = {
    coverages: {
      // The same number of worker threads in all, however many server processes hold them.
      workers: Math.max(1, Math.round(options.workers / options.serverProcesses)),
      tileCacheMB: options.tileCacheMB,
      refreshSeconds: 0,
      sampleRasters: false,
      catalogue: { enabled: false },
      coverages: [
        { id: 'rgb', title: 'RGB', path: data.rgb.path, styles: styles.rgb },
        { id: 'dem', title: 'DEM', path: data.dem.path, styles: styles.dem },
      ],
    },
  };
  if (options.plugins.includes('wms')) plugins.wms = {};
  if (options.plugins.includes('wcs')) plugins.wcs = {};
  if (options.plugins.includes('wmts')) plugins.wmts = { tileMatrixSets: ['WebMercatorQuad'], formats: ['image/png'] };
  return {
    dataDir: dir,
    sampleData: false,
    builtinPlugins: false,
    server: { host: '127.0.0.1', port, processes: options.serverProcesses },
    // nginx's access log is off too.
    log: { level: 'info', access: false },
    database: { client: 'sqlite', filename: join(dir, 'meridian.db') },
    blobs: { type: 'fs', root: join(dir, 'blobs') },
    auth: { bootstrapAdmin: false },
    plugins,
  };
}

export async function startMeridian(data: BenchData, options: MeridianOptions): Promise<MeridianServer> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-coverages-server-'));
  const port = await freePort();
  const configPath = join(dir, 'meridian.yaml');
  writeFileSync(configPath, stringify(meridianConfig(data, dir, port, options)));
  const served = await startMeridianServe(configPath, port, join(dir, 'server.log'));
  return {
    origin: served.origin,
    pid: served.pid,
    pids: served.pids,
    blobRoot: join(dir, 'blobs'),
    dir,
    log: served.log,
    async close() {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
