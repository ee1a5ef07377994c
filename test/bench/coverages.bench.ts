// coverages: Meridian's raster services (WMS, WCS, WMTS over the coverages engine) against the
// usual tools serving the same Cloud Optimized GeoTIFFs, measured in the same run: MapServer
// (Debian's mapserv over FastCGI, spawn-fcgi, behind nginx) for WMS GetMap 256x256 PNG at several
// scales and WCS 2.0 GetCoverage 512x512 GeoTIFF subsets, and nginx serving Meridian's own cached
// tile files statically for WMTS tiles. wrk drives each server over loopback at concurrency 4
// and 16 with a fixed pseudo-random sequence of requests; runs alternate between the servers.
// Targets: WMS and WCS at least 1.2x MapServer's requests/s, cached tiles at least 0.8x nginx's,
// Meridian's memory flat under load (sampled all along, and over a soak run of mixed requests:
// 20 s by default, 5 minutes with BENCH_COVERAGES_MODE=soak). See README.md for the settings.
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { startBaseline, type Baseline } from './coverages/baseline.js';
import { wcsCase, wmsCase, wmtsCase, type BenchCase } from './coverages/cases.js';
import { benchData, type BenchData } from './coverages/data.js';
import { MemorySampler, type MemorySummary } from './coverages/memory.js';
import { startNodeTiles, type NodeTiles } from './coverages/node-tiles-baseline.js';
import { protocolPlugins, startMeridian, type MeridianServer, type ProtocolPlugin } from './coverages/meridian.js';
import { mapserverDemClasses } from './coverages/styles.js';
import { tileSequence } from './coverages/tiles.js';
import { CACHE_PREFIX, layerTemplates, seedTiles } from './coverages/wmts-cache.js';
import { checkEveryAnswer, sequenceRun, wrkAvailable, type SequenceRun, type SequenceTarget } from './coverages/wrk-sequence.js';
import type { BenchReport, BenchSettings } from './types.js';

/** Meridian's RSS may grow at most this much over the soak's second half (and 5 % of its RSS). */
export const FLAT_GROWTH_MB = 32;

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must list positive integers, not '${raw}'`);
  return values;
}

function positiveInt(name: string, fallback: number): number {
  return intList(name, [fallback])[0]!;
}

interface CaseResult {
  id: string;
  title: string;
  connections: number;
  target: number;
  meridian: { runs: SequenceRun[]; best: SequenceRun };
  baseline: { name: string; runs: SequenceRun[]; best: SequenceRun };
  /** The case's second baseline (raw Node under the WMTS tiles): Meridian's req/s and CPU against it. */
  floor?: { name: string; runs: SequenceRun[]; best: SequenceRun; ratio: number; cpuRatio: number };
  ratio: number;
  /** Baseline CPU per request over Meridian's: the ratio on a core of each one's own. */
  cpuRatio: number;
  met: boolean;
}

const best = (runs: SequenceRun[]) => runs.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));

async function measureCase(c: BenchCase, connections: number, warm: boolean, settings: BenchSettings): Promise<CaseResult> {
  const targets: Array<[string, SequenceTarget]> = [
    ['meridian', c.meridian],
    [c.baselineName, c.baseline],
    ...(c.floor ? [[c.floor.name, c.floor.target] as [string, SequenceTarget]] : []),
  ];
  if (warm) {
    for (const [name, t] of targets) {
      settings.log(`${c.id}: warm-up ${name} (${settings.warmupSec} s)`);
      await sequenceRun(t, settings.warmupSec, connections);
    }
  }
  const runs = new Map<string, SequenceRun[]>(targets.map(([n]) => [n, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [name, t] of targets) {
      const r = await sequenceRun(t, settings.durationSec, connections);
      settings.log(
        `${c.id} c=${connections} round ${round} ${name}: ${r.requestsPerSec.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(1)} ms, ` +
          `${(r.cpuUsPerRequest / 1000).toFixed(2)} ms CPU/req, ${r.errors} errors, ${r.wrong} wrong`,
      );
      if (r.errors > 0 || r.wrong > 0) throw new Error(`${name} failed ${r.errors + r.wrong} of ${r.total} requests of ${c.id} at c=${connections}: a benchmark of errors is worthless`);
      runs.get(name)!.push(r);
    }
  }
  const m = runs.get('meridian')!;
  const b = runs.get(c.baselineName)!;
  const mb = best(m);
  const bb = best(b);
  const ratio = mb.requestsPerSec / bb.requestsPerSec;
  const minCpu = (runs: SequenceRun[]) => Math.min(...runs.map((r) => r.cpuUsPerRequest));
  const cpuRatio = minCpu(b) / minCpu(m);
  const f = c.floor && runs.get(c.floor.name)!;
  const floor = f && { name: c.floor!.name, runs: f, best: best(f), ratio: mb.requestsPerSec / best(f).requestsPerSec, cpuRatio: minCpu(f) / minCpu(m) };
  return { id: c.id, title: c.title, connections, target: c.target, meridian: { runs: m, best: mb }, baseline: { name: c.baselineName, runs: b, best: bb }, floor, ratio, cpuRatio, met: ratio >= c.target };
}

/** Every case's Meridian paths interleaved: the soak run's mixed load. */
function mixedPaths(cases: BenchCase[]): string[] {
  const out: string[] = [];
  const longest = Math.max(...cases.map((c) => c.meridian.paths.length));
  for (let i = 0; i < longest; i++) for (const c of cases) out.push(c.meridian.paths[i % c.meridian.paths.length]!);
  return out;
}

/** BENCH_COVERAGES_CASES=wms,wcs-dem: the cases whose id contains one of the words (all by default). */
function wanted(id: string): boolean {
  const only = (process.env.BENCH_COVERAGES_CASES ?? '').split(',').filter(Boolean);
  return only.length === 0 || only.some((w) => id.includes(w));
}

/** The protocol plugins there and needed by the cases asked for (a plugin not under test is not loaded). */
function pluginsToRun(): ProtocolPlugin[] {
  const present = protocolPlugins();
  const ids: Record<ProtocolPlugin, string[]> = { wms: ['wms-rgb', 'wms-dem'], wcs: ['wcs-rgb', 'wcs-dem'], wmts: ['wmts'] };
  return (Object.keys(ids) as ProtocolPlugin[]).filter((p) => present[p] && ids[p].some(wanted));
}

async function buildCases(
  data: BenchData,
  meridian: MeridianServer,
  baseline: Baseline,
  settings: BenchSettings,
  wcsCompression: 'none' | 'deflate',
  plugins: ProtocolPlugin[],
  started: { nodeTiles?: NodeTiles; serverProcesses: number },
): Promise<BenchCase[]> {
  const present = Object.fromEntries(plugins.map((p) => [p, true])) as Partial<Record<ProtocolPlugin, boolean>>;
  const servers = { meridian, baseline };
  const cases: BenchCase[] = [];
  const mapCount = positiveInt('BENCH_COVERAGES_MAPS', 400);
  const coverageCount = positiveInt('BENCH_COVERAGES_SUBSETS', 200);
  const tilesPerLayer = positiveInt('BENCH_COVERAGES_TILES', 500);
  for (const layer of ['rgb', 'dem'] as const) {
    if (present.wms && wanted(`wms-${layer}`)) cases.push(wmsCase(data, servers, layer, mapCount, '/wms'));
  }
  for (const coverage of ['rgb', 'dem'] as const) {
    if (present.wcs && wanted(`wcs-${coverage}`)) cases.push(wcsCase(data, servers, coverage, coverageCount, '/wcs', wcsCompression));
  }
  if (present.wmts && wanted('wmts')) {
    const tiles = tileSequence(data, tilesPerLayer);
    settings.log(`wmts: seeding Meridian's tile cache with ${tiles.length} tiles`);
    const seedStart = performance.now();
    const seeded = await seedTiles(meridian.origin, meridian.blobRoot, await layerTemplates(meridian.origin, '/wmts'), tiles);
    settings.log(`wmts: seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    // The raw Node floor serves the tile files now in the cache, from memory, in as many processes as Meridian's HTTP ones.
    started.nodeTiles = await startNodeTiles(join(meridian.blobRoot, CACHE_PREFIX), started.serverProcesses);
    cases.push(wmtsCase(servers, seeded, started.nodeTiles));
  }
  const there = protocolPlugins();
  const missing = (['wms', 'wcs', 'wmts'] as const).filter((p) => !there[p]);
  if (missing.length > 0) settings.log(`not measured (plugin not there yet): ${missing.join(', ')}`);
  if (cases.length === 0) throw new Error('no case to measure: no protocol plugin, or BENCH_COVERAGES_CASES matches none');
  return cases;
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  if (!(await wrkAvailable())) throw new Error('the coverages benchmark needs wrk on PATH (it drives request sequences through a wrk Lua script)');
  const cores = availableParallelism();
  const connectionsList = intList('BENCH_COVERAGES_CONNECTIONS', [4, 16]);
  const processes = positiveInt('BENCH_COVERAGES_PROCESSES', cores);
  // Meridian's HTTP processes (server.processes), each with its share of the coverages workers.
  const serverProcesses = positiveInt('BENCH_COVERAGES_SERVER_PROCESSES', cores);
  const nginxWorkers = positiveInt('BENCH_COVERAGES_NGINX_WORKERS', cores);
  const soakSec = positiveInt('BENCH_COVERAGES_SOAK_SEC', process.env.BENCH_COVERAGES_MODE === 'soak' ? 300 : 20);
  // The same decoded-block budget on both sides: GDAL's default (5 % of RAM per process) would
  // give mapserv gigabytes against Meridian's 128 MiB per worker.
  const cacheMB = positiveInt('BENCH_COVERAGES_CACHE_MB', 256);
  const wcsCompression = process.env.BENCH_COVERAGES_WCS_COMPRESSION === 'none' ? 'none' : 'deflate';
  const data = await benchData(settings.log);
  const loadBefore = loadavg()[0]!;
  const plugins = pluginsToRun();
  const meridian = await startMeridian(data, { workers: processes, plugins, tileCacheMB: cacheMB, serverProcesses });
  let baseline: Baseline | undefined;
  const started: { nodeTiles?: NodeTiles; serverProcesses: number } = { serverProcesses };
  let sampler: MemorySampler | undefined;
  try {
    baseline = await startBaseline(data, {
      // zlib level 3, MapServer's PNG tuned for speed; Meridian's PNG (render/png.ts: Sub filter,
      // run-length deflate) is faster still and smaller on both layers (the checks' mean bytes).
      pngCompression: 3,
      resample: 'NEAREST', // Meridian's default resampling
      tiffCompression: wcsCompression,
      // 1024 buckets of the height range instead of mapserv's 65536: the same picture, but
      // classifying 65536 buckets through 8 class expressions made every DEM map 30 ms slower.
      demStyle: { processing: [`SCALE=${data.demRange[0]},${data.demRange[1]}`, 'SCALE_BUCKETS=1024'], classes: mapserverDemClasses(data) },
      mapservProcesses: processes,
      gdalCacheMB: cacheMB,
      nginxWorkers,
      tileRoot: join(meridian.blobRoot, CACHE_PREFIX),
    });
    settings.log(`${baseline.version.split(' OUTPUT')[0]} (${processes} FastCGI processes, GDAL cache ${cacheMB} MiB each), nginx with ${nginxWorkers} workers; Meridian with ${serverProcesses} server processes and ${processes} coverages workers in all (tile cache ${cacheMB} MiB each)`);
    const b = baseline;
    sampler = new MemorySampler({ meridian: () => meridian.pids(), baseline: () => b.pids() });
    sampler.enter('checks');
    const cases = await buildCases(data, meridian, baseline, settings, wcsCompression, plugins, started);
    const checks: Record<string, Record<string, number>> = {};
    for (const c of cases) {
      settings.log(`${c.id}: checking both servers' answers to all ${c.meridian.paths.length} requests`);
      checks[c.id] = await c.validate();
      settings.log(`${c.id}: ${JSON.stringify(checks[c.id])}`);
    }
    const results: CaseResult[] = [];
    for (const c of cases) {
      sampler.enter(c.id);
      for (const [i, connections] of connectionsList.entries()) results.push(await measureCase(c, connections, i === 0, settings));
    }
    sampler.enter('soak');
    const soakConnections = Math.max(...connectionsList);
    settings.log(`soak: Meridian alone, mixed requests of every case, c=${soakConnections}, ${soakSec} s`);
    const soak = await sequenceRun({ server: 'meridian', origin: meridian.origin, paths: mixedPaths(cases), contentType: '', pids: () => meridian.pids() }, soakSec, soakConnections);
    if (soak.errors > 0 || soak.wrong > 0) throw new Error(`the soak run failed ${soak.errors + soak.wrong} of ${soak.total} requests`);
    sampler.stop();
    const soakMemory = sampler.summary('meridian', (p) => p === 'soak')!;
    const allMemory = sampler.summary('meridian', (p) => p !== 'start-up')!;
    const flat = soakMemory.lateGrowthMB <= Math.max(FLAT_GROWTH_MB, 0.05 * soakMemory.startMB);
    return report(results, checks, { soak, soakSec, soakMemory, allMemory, flat, samples: sampler.samples }, {
      cores,
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
      mapserver: baseline.version,
      processes,
      cacheMB,
      nginxWorkers,
      wcsCompression,
      checkEveryAnswer,
      data: { rgb: data.rgb, dem: data.dem, crs: data.crs, bbox: data.bbox, demRange: data.demRange },
    });
  } finally {
    sampler?.stop();
    await started.nodeTiles?.close();
    await baseline?.close();
    await meridian.close();
  }
}

/** What makes the figures less telling: servers not answering alike, a busy machine. */
function notes(checks: Record<string, Record<string, number>>, setup: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [id, c] of Object.entries(checks)) {
    if ((c.differingValues ?? 0) > 0) out.push(`WARNING ${id}: the servers' GeoTIFFs differ in ${c.differingValues} values`);
  }
  const load = setup.loadAverage as { before: number; after: number };
  const cores = setup.cores as number;
  // Before the servers start, the load is other work's: half the cores busy skews every figure.
  if (load.before > cores / 2) out.push(`WARNING: load average ${load.before.toFixed(1)} on ${cores} cores before the run (other work): the CPU ratio column is the steadier figure`);
  return out;
}

interface MemoryReport {
  soak: SequenceRun;
  soakSec: number;
  soakMemory: MemorySummary;
  allMemory: MemorySummary;
  flat: boolean;
  samples: unknown[];
}

function report(results: CaseResult[], checks: Record<string, Record<string, number>>, memory: MemoryReport, setup: Record<string, unknown>): BenchReport {
  const f0 = (v: number) => v.toFixed(0);
  const f1 = (v: number) => v.toFixed(1);
  const table = results.map((r) => ({
    case: r.title,
    c: String(r.connections),
    'Meridian req/s': f0(r.meridian.best.requestsPerSec),
    'p99 ms': f1(r.meridian.best.p99Ms),
    baseline: r.baseline.name,
    'baseline req/s': f0(r.baseline.best.requestsPerSec),
    'baseline p99 ms': f1(r.baseline.best.p99Ms),
    ratio: r.ratio.toFixed(2),
    target: `>= ${r.target}`,
    met: r.met ? 'yes' : 'NO',
    'CPU ms/req M / B': `${(r.meridian.best.cpuUsPerRequest / 1000).toFixed(2)} / ${(r.baseline.best.cpuUsPerRequest / 1000).toFixed(2)}`,
    'CPU ratio': r.cpuRatio.toFixed(2),
    'raw Node req/s': r.floor ? f0(r.floor.best.requestsPerSec) : '',
    'of raw Node (CPU)': r.floor ? `${r.floor.ratio.toFixed(2)} (${r.floor.cpuRatio.toFixed(2)})` : '',
  }));
  const m = memory.soakMemory;
  table.push({
    case: `soak: mixed, Meridian alone, ${memory.soakSec} s`,
    c: '',
    'Meridian req/s': f0(memory.soak.requestsPerSec),
    'p99 ms': f1(memory.soak.p99Ms),
    baseline: '',
    'baseline req/s': '',
    'baseline p99 ms': '',
    ratio: '',
    target: `RSS flat`,
    met: memory.flat ? 'yes' : 'NO',
    'CPU ms/req M / B': (memory.soak.cpuUsPerRequest / 1000).toFixed(2),
    'CPU ratio': '',
    'raw Node req/s': '',
    'of raw Node (CPU)': '',
  });
  const missed = results.filter((r) => !r.met);
  const metTarget = missed.length === 0 && memory.flat;
  const a = memory.allMemory;
  const summary =
    `${results.length - missed.length} of ${results.length} cases met their target` +
    (missed.length ? ` (missed: ${missed.map((r) => `${r.id} c=${r.connections} ${r.ratio.toFixed(2)}x`).join(', ')})` : '') +
    results
      .filter((r) => r.floor)
      .map((r) => `; ${r.id} c=${r.connections}: raw Node ${(r.floor!.best.requestsPerSec / r.baseline.best.requestsPerSec).toFixed(2)}x ${r.baseline.name}, Meridian ${r.floor!.ratio.toFixed(2)}x raw Node`)
      .join('') +
    `; Meridian RSS over the soak ${f0(m.startMB)} -> ${f0(m.endMB)} MB (max ${f0(m.maxMB)}, ${m.slopeMBPerMin.toFixed(1)} MB/min over its second half: ${memory.flat ? 'flat' : 'NOT flat'}); ` +
    `over the whole run ${f0(a.startMB)} -> ${f0(a.endMB)} MB, max ${f0(a.maxMB)}; ${String(setup.mapserver).split(' OUTPUT')[0]}` +
    notes(checks, setup).map((n) => `; ${n}`).join('');
  return {
    name: 'coverages',
    table,
    summary,
    metTarget,
    data: { setup, checks, results, memory },
  };
}
