// Meridian as the benchmark serves it: `meridian serve` (core/cli/main.ts under tsx, as the other
// benches run the sources) in a child process with the features engine and the WFS plugin, on
// SQLite (a file) or, when BENCH_FEATURES_PG or MERIDIAN_TEST_PG is set, PostGIS (a schema of its
// own). The benchmark's GeoPackage is imported before through `meridian features import` with the
// same config, one layer per collection. BENCH_SERVER_NODE_ARGS passes node flags to the server
// (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { freePort } from '../coverages/baseline.js';
import { MERIDIAN_CLI, startMeridianServe } from '../meridian-serve.js';
import type { FeaturesData } from './data.js';

const runFile = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));


export function wfsPluginPresent(): boolean {
  return existsSync(join(repo, 'plugins', 'wfs', 'index.ts'));
}

export interface MeridianOptions {
  /** PostgreSQL URL (PostGIS), or undefined for SQLite. */
  pgUrl?: string;
  /** HTTP server processes (`server.processes`). */
  serverProcesses: number;
}

export interface MeridianFeatures {
  origin: string;
  pid: number;
  pids(): number[];
  database: string;
  dir: string;
  log(): string;
  close(): Promise<void>;
}

/** Where the imported database lives: in the bench dir, so a later run with the same data skips the import. */
function serverDir(data: FeaturesData, options: MeridianOptions): string {
  const key = data.gpkg.replace(/^.*features-|\.gpkg$/g, '');
  return join(data.dir, `meridian-${options.pgUrl ? 'pg' : 'sqlite'}-${key}`);
}

const pgSchema = (data: FeaturesData) => `bench_features_${data.gpkg.replace(/^.*features-|\.gpkg$/g, '').replace(/[^a-z0-9]/gi, '_')}`;

function config(data: FeaturesData, dir: string, port: number, options: MeridianOptions): Record<string, unknown> {
  const biggest = Math.max(...Object.values(data.layers).map((l) => l.features));
  return {
    dataDir: dir,
    sampleData: false,
    builtinPlugins: false,
    server: { host: '127.0.0.1', port, processes: options.serverProcesses },
    // nginx's access log is off too.
    log: { level: 'info', access: false },
    database: options.pgUrl ? { client: 'postgres', url: options.pgUrl, schema: pgSchema(data) } : { client: 'sqlite', filename: join(dir, 'meridian.db') },
    blobs: { type: 'fs', root: join(dir, 'blobs') },
    auth: { bootstrapAdmin: false },
    plugins: {
      // A page as large as the big layer: the export is one GetFeature.
      features: { maxLimit: biggest + 1 },
      // The WFS always counts the matches (numberMatched); MapServer is asked to as well.
      wfs: { maxCount: biggest + 1 },
    },
  };
}

/**
 * Imports every layer of the GeoPackage (`meridian features import FILE --layer L --collection L`)
 * unless a previous run did; returns the seconds each import took (empty when reused).
 */
async function importLayers(data: FeaturesData, dir: string, configPath: string, log: (line: string) => void): Promise<Record<string, number>> {
  const done = join(dir, 'imported.json');
  if (existsSync(done)) {
    log(`Meridian: reusing the imported database in ${dir}`);
    return {};
  }
  const seconds: Record<string, number> = {};
  for (const layer of Object.values(data.layers)) {
    log(`Meridian: meridian features import ${layer.name} (${layer.features} features)`);
    const started = performance.now();
    await runFile(process.execPath, ['--import', 'tsx', MERIDIAN_CLI, 'features', 'import', data.gpkg, '--layer', layer.name, '--collection', layer.name, '--config', configPath, '--json'], {
      cwd: repo,
      maxBuffer: 64 << 20,
    }).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`meridian features import ${layer.name} failed: ${err.message}\n${(err.stderr ?? '').slice(-3000)}\n${(err.stdout ?? '').slice(-3000)}`);
    });
    seconds[layer.name] = (performance.now() - started) / 1000;
    log(`Meridian: ${layer.name} imported in ${seconds[layer.name]!.toFixed(1)} s (${(layer.features / seconds[layer.name]!).toFixed(0)} features/s)`);
  }
  writeFileSync(done, `${JSON.stringify(seconds)}\n`);
  return seconds;
}

export async function startMeridian(data: FeaturesData, options: MeridianOptions, log: (line: string) => void): Promise<{ server: MeridianFeatures; importSec: Record<string, number> }> {
  const dir = serverDir(data, options);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const configPath = join(dir, 'meridian.yaml');
  writeFileSync(configPath, stringify(config(data, dir, port, options)));
  const importSec = await importLayers(data, dir, configPath, log);
  const served = await startMeridianServe(configPath, port, join(dir, 'server.log'));
  const server: MeridianFeatures = {
    origin: served.origin,
    pid: served.pid,
    pids: served.pids,
    database: options.pgUrl ? `PostGIS (schema ${pgSchema(data)})` : 'SQLite',
    dir,
    log: served.log,
    close: served.close,
  };
  return { server, importSec };
}

/** Forgets a cached import (BENCH_FEATURES_REIMPORT=1). */
export function dropImport(data: FeaturesData, options: MeridianOptions): void {
  rmSync(serverDir(data, options), { recursive: true, force: true });
}
