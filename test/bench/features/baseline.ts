// The baseline: MapServer 8 (Debian's mapserv, FastCGI) serving WFS from the GeoPackage, started
// with spawn-fcgi on a unix socket behind nginx, built in a temp dir at bench time as the coverages
// benchmark does (its nginx.conf, port and /proc helpers are reused; nothing in /etc is touched).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, MAPSERV, mapservVersion } from '../coverages/baseline.js';
import { mapserverConfig } from '../coverages/mapfile.js';
import { nginxConf } from '../coverages/nginx-conf.js';
import { alive, childPids } from '../coverages/proc-stats.js';
import type { FeaturesData } from './data.js';
import { featuresMapfile, type FeaturesMapfileOptions } from './mapfile.js';

const run = promisify(execFile);

export interface FeaturesBaseline {
  origin: string;
  /** Path of the WFS endpoint. */
  path: string;
  version: string;
  /** nginx's master and workers, then the mapserv processes. */
  pids(): number[];
  close(): Promise<void>;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startFeaturesBaseline(data: FeaturesData, options: FeaturesMapfileOptions & { mapservProcesses: number; nginxWorkers: number }): Promise<FeaturesBaseline> {
  const version = await mapservVersion();
  if (!/SUPPORTS=FASTCGI/.test(version)) throw new Error(`${MAPSERV} was built without FastCGI: ${version}`);
  if (!/SUPPORTS=WFS_SERVER/.test(version)) throw new Error(`${MAPSERV} was built without the WFS server: ${version}`);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-features-mapserver-'));
  chmodSync(dir, 0o755);
  const mapfilePath = join(dir, 'features.map');
  const configPath = join(dir, 'mapserver.conf');
  const socket = join(dir, 'mapserv.sock');
  const pidFile = join(dir, 'mapserv.pid');
  writeFileSync(mapfilePath, featuresMapfile(data, options));
  writeFileSync(configPath, mapserverConfig(mapfilePath));
  const unusedTiles = join(dir, 'tiles');
  mkdirSync(unusedTiles);
  await run('spawn-fcgi', ['-s', socket, '-M', '0666', '-F', String(options.mapservProcesses), '-P', pidFile, '--', MAPSERV], {
    env: { ...process.env, MAPSERVER_CONFIG_FILE: configPath },
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
  const killMapservAtExit = () => killMapserv('SIGKILL');
  process.once('exit', killMapservAtExit);
  const port = await freePort();
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, nginxConf({ prefix: dir, port, workers: options.nginxWorkers, fastcgiSocket: socket, mapserverConfig: configPath, tileRoot: unusedTiles }));
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
    path: '/mapserv',
    version,
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
