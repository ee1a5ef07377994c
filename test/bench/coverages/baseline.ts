// The baseline: MapServer (Debian's mapserv, FastCGI) started with spawn-fcgi on a unix socket,
// behind nginx, which also serves the WMTS tile files statically. Built in a temp dir at bench
// time (mapfile, MapServer config, nginx.conf), every process a child of this one or killed by it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchData } from './data.js';
import { mapfile, mapserverConfig, type MapfileOptions } from './mapfile.js';
import { nginxConf } from './nginx-conf.js';
import { alive, childPids } from './proc-stats.js';

const run = promisify(execFile);
export const MAPSERV = '/usr/lib/cgi-bin/mapserv';

export interface BaselineOptions extends MapfileOptions {
  mapservProcesses: number;
  /** GDAL's block cache of each mapserv process, MiB (GDAL_CACHEMAX; its default is 5 % of RAM). */
  gdalCacheMB: number;
  nginxWorkers: number;
  /** Folder nginx serves at /tiles/ (filled later, before the WMTS cases). */
  tileRoot: string;
}

export interface Baseline {
  /** http://127.0.0.1:port */
  origin: string;
  /** Path of the WMS/WCS endpoint (mapserv). */
  mapservPath: string;
  /** Path prefix of the static tiles. */
  tilesPath: string;
  /** `mapserv -v`. */
  version: string;
  /** nginx master and workers, then the mapserv processes: whose CPU and memory are the baseline's. */
  pids(): number[];
  mapservPids: number[];
  dir: string;
  close(): Promise<void>;
}

/** A port free on loopback now (the kernel's pick; nginx binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function mapservVersion(): Promise<string> {
  const { stdout } = await run(MAPSERV, ['-v']);
  return stdout.trim();
}

export async function startBaseline(data: BenchData, options: BaselineOptions): Promise<Baseline> {
  const version = await mapservVersion();
  if (!/SUPPORTS=FASTCGI/.test(version)) throw new Error(`${MAPSERV} was built without FastCGI: ${version}`);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-mapserver-'));
  // nginx's workers drop to another user when started as root: they must reach the socket.
  chmodSync(dir, 0o755);
  const mapfilePath = join(dir, 'bench.map');
  const configPath = join(dir, 'mapserver.conf');
  const socket = join(dir, 'mapserv.sock');
  const pidFile = join(dir, 'mapserv.pid');
  writeFileSync(mapfilePath, mapfile(data, options));
  writeFileSync(configPath, mapserverConfig(mapfilePath));
  mkdirSync(options.tileRoot, { recursive: true });

  // spawn-fcgi forks the mapserv processes, all accepting on one socket, writes their pids and
  // exits: they are not our children, so they are killed by pid on close and at exit.
  await run('spawn-fcgi', ['-s', socket, '-M', '0666', '-F', String(options.mapservProcesses), '-P', pidFile, '--', MAPSERV], {
    env: { ...process.env, MAPSERVER_CONFIG_FILE: configPath, GDAL_CACHEMAX: String(options.gdalCacheMB) },
  });
  const mapservPids = readFileSync(pidFile, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  const killMapserv = (signal: NodeJS.Signals = 'SIGKILL') => {
    for (const pid of mapservPids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
  };
  // mapserv holds no state worth a graceful stop: at exit (synchronous), straight to SIGKILL.
  const killMapservAtExit = () => killMapserv('SIGKILL');
  process.once('exit', killMapservAtExit);

  const port = await freePort();
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, nginxConf({ prefix: dir, port, workers: options.nginxWorkers, fastcgiSocket: socket, mapserverConfig: configPath, tileRoot: options.tileRoot }));
  let nginxLog = '';
  const nginx: ChildProcess = spawn('nginx', ['-p', dir, '-c', confPath, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stdout!.on('data', (d: Buffer) => (nginxLog += d.toString()));
  nginx.stderr!.on('data', (d: Buffer) => (nginxLog += d.toString()));
  const killNginx = () => nginx.kill('SIGTERM');
  process.once('exit', killNginx);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor('nginx to listen', async () => {
      if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}): ${nginxLog}`);
      return fetch(`${origin}/tiles/`).then(
        (r) => (void r.arrayBuffer(), true),
        () => false,
      );
    });
    const dead = mapservPids.filter((pid) => !alive(pid));
    if (dead.length > 0) throw new Error(`mapserv processes ${dead.join(', ')} exited at start`);
  } catch (err) {
    killNginx();
    killMapserv();
    throw err;
  }
  const nginxPid = nginx.pid!;
  return {
    origin,
    mapservPath: '/mapserv',
    tilesPath: '/tiles',
    version,
    mapservPids,
    dir,
    pids: () => [nginxPid, ...childPids(nginxPid), ...mapservPids],
    async close() {
      const exited = new Promise<void>((resolve) => (nginx.exitCode !== null ? resolve() : nginx.once('exit', () => resolve())));
      killNginx();
      killMapserv('SIGTERM');
      await waitFor('mapserv to exit', () => mapservPids.every((pid) => !alive(pid)), 2000).catch(() => killMapserv('SIGKILL'));
      await exited;
      process.off('exit', killNginx);
      process.off('exit', killMapservAtExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
