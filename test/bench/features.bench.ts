// features: Meridian's WFS (the wfs plugin over the features engine) against MapServer 8's WFS
// (Debian's mapserv over FastCGI, spawn-fcgi, behind nginx) on the same data in the same run: a
// GeoPackage of 50,000 points, 2,000 polygons and a big point layer (BENCH_FEATURES_BIG, 200,000
// by default, 1,000,000 for the issue's figure), which MapServer reads directly and Meridian
// serves from its database after `meridian features import`. Measured: WFS 2.0.0 GetFeature with
// a BBOX and COUNT=100 as GeoJSON and as GML 3.2 over a fixed seeded sequence of boxes, wrk at
// concurrency 4 and 16, runs alternating between the servers; and the export of the whole big
// layer as GeoJSON (time, and the peak RSS of each server while it streams). Targets: at least
// 2x MapServer's requests/s on the bbox queries; the export with flat memory. See README.md.
import { availableParallelism, loadavg } from 'node:os';
import { MemorySampler } from './coverages/memory.js';
import { sequenceRun, wrkAvailable, type SequenceRun, type SequenceTarget } from './coverages/wrk-sequence.js';
import { startFeaturesBaseline, type FeaturesBaseline } from './features/baseline.js';
import { featuresData, type LayerInfo } from './features/data.js';
import { exportRun, type ExportRun } from './features/export.js';
import { dropImport, startMeridian, wfsPluginPresent, type MeridianFeatures, type MeridianOptions } from './features/meridian.js';
import { bboxQueries, exportQuery, OUTPUT_FORMATS, type BboxQuery, type OutputFormat } from './features/requests.js';
import { validateSequence, type ServerEndpoint, type ValidationSummary } from './features/validate.js';
import type { BenchReport, BenchSettings } from './types.js';

/** Target: Meridian's requests/s over MapServer's on the bbox queries. */
export const THROUGHPUT_TARGET = 2;
/** The export is "flat" when Meridian's RSS grows by at most this much while it streams the layer. */
export const FLAT_EXPORT_MB = 64;

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`${name} must list positive integers, not '${raw}'`);
  return values;
}
const positiveInt = (name: string, fallback: number) => intList(name, [fallback])[0]!;

interface BboxCase {
  id: string;
  layer: LayerInfo;
  format: OutputFormat;
  queries: BboxQuery[];
}

interface CaseResult {
  id: string;
  connections: number;
  meridian: { runs: SequenceRun[]; best: SequenceRun };
  mapserver: { runs: SequenceRun[]; best: SequenceRun };
  ratio: number;
  /** MapServer's CPU per request over Meridian's. */
  cpuRatio: number;
  met: boolean;
}

const best = (runs: SequenceRun[]) => runs.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));

async function measure(c: BboxCase, targets: Array<[string, SequenceTarget]>, connections: number, warm: boolean, settings: BenchSettings): Promise<CaseResult> {
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
      if (r.total === 0) throw new Error(`${name} answered no request of ${c.id} at c=${connections}`);
      runs.get(name)!.push(r);
    }
  }
  const m = runs.get('meridian')!;
  const b = runs.get('mapserver')!;
  const ratio = best(m).requestsPerSec / best(b).requestsPerSec;
  const cpuRatio = Math.min(...b.map((r) => r.cpuUsPerRequest)) / Math.min(...m.map((r) => r.cpuUsPerRequest));
  return { id: c.id, connections, meridian: { runs: m, best: best(m) }, mapserver: { runs: b, best: best(b) }, ratio, cpuRatio, met: ratio >= THROUGHPUT_TARGET };
}

/** BENCH_FEATURES_CASES=points-geojson,export: the cases whose id contains one of the words (all by default). */
function wanted(id: string): boolean {
  const only = (process.env.BENCH_FEATURES_CASES ?? '').split(',').filter(Boolean);
  return only.length === 0 || only.some((w) => id.includes(w));
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  if (!(await wrkAvailable())) throw new Error('the features benchmark needs wrk on PATH (it drives request sequences through a wrk Lua script)');
  if (!wfsPluginPresent()) throw new Error('the features benchmark needs plugins/wfs');
  const cores = availableParallelism();
  const connectionsList = intList('BENCH_FEATURES_CONNECTIONS', [4, 16]);
  const queryCount = positiveInt('BENCH_FEATURES_QUERIES', 200);
  const checkStep = positiveInt('BENCH_FEATURES_CHECK_EVERY', 4);
  const processes = positiveInt('BENCH_FEATURES_PROCESSES', cores);
  // Meridian's WFS always computes numberMatched: MapServer does the same work unless BENCH_FEATURES_COUNT_MATCHED=0.
  const countMatched = process.env.BENCH_FEATURES_COUNT_MATCHED !== '0';
  const pgUrl = process.env.BENCH_FEATURES_PG || process.env.MERIDIAN_TEST_PG || undefined;
  const loadBefore = loadavg()[0]!;
  const data = await featuresData(settings.log);
  // Meridian's HTTP processes (server.processes), as many as MapServer's FastCGI processes by default.
  const serverProcesses = positiveInt('BENCH_FEATURES_SERVER_PROCESSES', processes);
  const meridianOptions: MeridianOptions = { pgUrl, serverProcesses };
  if (process.env.BENCH_FEATURES_REIMPORT === '1') dropImport(data, meridianOptions);
  let meridian: MeridianFeatures | undefined;
  let baseline: FeaturesBaseline | undefined;
  let sampler: MemorySampler | undefined;
  try {
    const started = await startMeridian(data, meridianOptions, settings.log);
    meridian = started.server;
    baseline = await startFeaturesBaseline(data, { countMatched, mapservProcesses: processes, nginxWorkers: cores });
    const m = meridian;
    const b = baseline;
    settings.log(`${b.version.split(' OUTPUT')[0]} (${processes} FastCGI processes) behind nginx; Meridian on ${m.database}, ${serverProcesses} server processes`);
    sampler = new MemorySampler({ meridian: () => m.pids(), mapserver: () => b.pids() });
    const endpoints: [ServerEndpoint, ServerEndpoint] = [
      { name: 'meridian', url: `${m.origin}/wfs` },
      { name: 'mapserver', url: `${b.origin}${b.path}` },
    ];
    const cases: BboxCase[] = [];
    for (const layer of [data.layers.points, data.layers.polygons]) {
      for (const format of ['geojson', 'gml'] as const) {
        const id = `${layer.name}-${format}`;
        if (wanted(id)) cases.push({ id, layer, format, queries: bboxQueries(layer, format, queryCount, layer.name === 'points' ? 11 : 12) });
      }
    }
    sampler.enter('checks');
    const checks: Record<string, ValidationSummary> = {};
    for (const c of cases) {
      checks[c.id] = await validateSequence(endpoints, c.queries, c.format, checkStep);
      settings.log(`${c.id}: ${checks[c.id]!.checked} answers compared, ${checks[c.id]!.fullPages} full pages of 100, the same features on both`);
    }
    const results: CaseResult[] = [];
    for (const c of cases) {
      sampler.enter(c.id);
      const targets: Array<[string, SequenceTarget]> = [
        ['meridian', { server: 'meridian', origin: m.origin, paths: c.queries.map((q) => `/wfs?${q.query}`), contentType: OUTPUT_FORMATS[c.format].contentType, pids: () => m.pids() }],
        ['mapserver', { server: 'mapserver', origin: b.origin, paths: c.queries.map((q) => `${b.path}?${q.query}`), contentType: OUTPUT_FORMATS[c.format].contentType, pids: () => b.pids() }],
      ];
      for (const [i, connections] of connectionsList.entries()) results.push(await measure(c, targets, connections, i === 0, settings));
    }
    const exports: Record<string, ExportRun> = {};
    if (wanted('export')) {
      const big = data.layers.big;
      for (const [name, url, pids] of [
        ['meridian', `${m.origin}/wfs?${exportQuery(big)}`, () => m.pids()],
        ['mapserver', `${b.origin}${b.path}?${exportQuery(big)}`, () => b.pids()],
      ] as Array<[string, string, () => number[]]>) {
        sampler.enter(`export-${name}`);
        settings.log(`export: ${name}, the ${big.features} features of ${big.name} as GeoJSON`);
        const e = await exportRun(url, pids);
        settings.log(`export ${name}: ${e.seconds.toFixed(1)} s, ${(e.bytes / 1e6).toFixed(0)} MB, ${e.features} features, RSS ${e.rssBeforeMB.toFixed(0)} -> peak ${e.rssPeakMB.toFixed(0)} MB`);
        if (e.status !== 200 || e.features !== big.features) throw new Error(`${name}'s export answered ${e.status} with ${e.features} of ${big.features} features`);
        exports[name] = e;
      }
    }
    sampler.stop();
    return report(results, exports, checks, sampler, {
      cores,
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
      mapserver: b.version,
      mapservProcesses: processes,
      meridianDatabase: m.database,
      mapserverCountMatched: countMatched,
      queriesPerSequence: queryCount,
      importSec: started.importSec,
      data: { gpkg: data.gpkg, bytes: data.bytes, layers: data.layers, generatedSec: data.generatedSec },
    });
  } finally {
    sampler?.stop();
    await baseline?.close();
    await meridian?.close();
  }
}

function report(results: CaseResult[], exports: Record<string, ExportRun>, checks: Record<string, ValidationSummary>, sampler: MemorySampler, setup: Record<string, unknown>): BenchReport {
  const f0 = (v: number) => v.toFixed(0);
  const f1 = (v: number) => v.toFixed(1);
  const table: Array<Record<string, string>> = results.map((r) => ({
    case: `GetFeature bbox COUNT=100 ${r.id}`,
    c: String(r.connections),
    'Meridian req/s': f0(r.meridian.best.requestsPerSec),
    'p99 ms': f1(r.meridian.best.p99Ms),
    'MapServer req/s': f0(r.mapserver.best.requestsPerSec),
    'MapServer p99 ms': f1(r.mapserver.best.p99Ms),
    ratio: r.ratio.toFixed(2),
    target: `>= ${THROUGHPUT_TARGET}`,
    met: r.met ? 'yes' : 'NO',
    'CPU ms/req M / MS': `${(r.meridian.best.cpuUsPerRequest / 1000).toFixed(2)} / ${(r.mapserver.best.cpuUsPerRequest / 1000).toFixed(2)}`,
    'CPU ratio': r.cpuRatio.toFixed(2),
  }));
  const em = exports.meridian;
  const eb = exports.mapserver;
  const flat = em ? em.rssGrowthMB <= FLAT_EXPORT_MB : true;
  if (em && eb) {
    table.push({
      case: `export ${em.features} features GeoJSON: s (MB/s)`,
      c: '1',
      'Meridian req/s': `${f1(em.seconds)} s`,
      'p99 ms': `${f0(em.bytes / 1e6 / em.seconds)} MB/s`,
      'MapServer req/s': `${f1(eb.seconds)} s`,
      'MapServer p99 ms': `${f0(eb.bytes / 1e6 / eb.seconds)} MB/s`,
      ratio: (eb.seconds / em.seconds).toFixed(2),
      target: 'time',
      met: '',
      'CPU ms/req M / MS': '',
      'CPU ratio': '',
    });
    table.push({
      case: 'export peak RSS MB (before -> peak)',
      c: '1',
      'Meridian req/s': `${f0(em.rssBeforeMB)} -> ${f0(em.rssPeakMB)}`,
      'p99 ms': `+${f0(em.rssGrowthMB)}`,
      'MapServer req/s': `${f0(eb.rssBeforeMB)} -> ${f0(eb.rssPeakMB)}`,
      'MapServer p99 ms': `+${f0(eb.rssGrowthMB)}`,
      ratio: '',
      target: `flat (<= +${FLAT_EXPORT_MB})`,
      met: flat ? 'yes' : 'NO',
      'CPU ms/req M / MS': '',
      'CPU ratio': '',
    });
  }
  const missed = results.filter((r) => !r.met);
  const metTarget = missed.length === 0 && flat;
  const load = setup.loadAverage as { before: number };
  const whole = sampler.summary('meridian', (p) => p !== 'start-up');
  const summary =
    `${results.length - missed.length} of ${results.length} bbox cases at >= ${THROUGHPUT_TARGET}x MapServer` +
    (missed.length ? ` (missed: ${missed.map((r) => `${r.id} c=${r.connections} ${r.ratio.toFixed(2)}x`).join(', ')})` : '') +
    (em ? `; export of ${em.features} features: Meridian ${f1(em.seconds)} s +${f0(em.rssGrowthMB)} MB RSS (${flat ? 'flat' : 'NOT flat'}), MapServer ${f1(eb!.seconds)} s +${f0(eb!.rssGrowthMB)} MB` : '') +
    (whole ? `; Meridian RSS over the run ${f0(whole.startMB)} -> ${f0(whole.endMB)} MB (max ${f0(whole.maxMB)})` : '') +
    `; Meridian on ${String(setup.meridianDatabase)}; ${String(setup.mapserver).split(' OUTPUT')[0]}` +
    (load.before > (setup.cores as number) / 2 ? `; WARNING: load average ${load.before.toFixed(1)} before the run (other work): trust the CPU ratio column more` : '');
  return { name: 'features', table, summary, metTarget, data: { setup, checks, results, exports, memory: sampler.samples } };
}
