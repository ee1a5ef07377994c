// Meridian as the benchmark serves it: `meridian serve` (core/cli/main.ts under tsx, as the other
// benches run the sources) in a child process, with a config of its own in a temp dir enabling
// the coverages engine on the benchmark's two COGs and the WMS, WCS and WMTS plugins over it.
// BENCH_SERVER_NODE_ARGS passes node flags to it (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { freePort } from './baseline.js';
import type { BenchData } from './data.js';
import { childPids } from './proc-stats.js';
import { meridianStyles } from './styles.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(repo, 'core', 'cli', 'main.ts');

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
  const logPath = join(dir, 'server.log');
  const logFile = createWriteStream(logPath);
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', cli, 'serve', '--config', configPath], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(logFile, { end: false });
  child.stderr!.pipe(logFile, { end: false });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`meridian serve exited (${child.exitCode}) at start:\n${log().slice(-4000)}`);
    const up = await fetch(`${origin}/health`).then(
      (r) => (void r.arrayBuffer(), r.ok),
      () => false,
    );
    if (up) break;
    if (Date.now() > until) {
      kill();
      throw new Error(`meridian serve did not answer /health within 60 s:\n${log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    pid: child.pid!,
    pids: () => [child.pid!, ...childPids(child.pid!)],
    blobRoot: join(dir, 'blobs'),
    dir,
    log,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // SIGTERM: a graceful stop, so a --cpu-prof profile is written.
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 15_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', kill);
      logFile.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
