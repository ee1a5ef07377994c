// The benchmark's cases: the same request sequence spelled for Meridian and for its baseline, and
// a check of both servers' answers to every request of it before any load (a benchmark of error
// responses or blank images is worthless): status, type, size; decoded images compared between
// the servers on a sample; GeoTIFF values compared on every subset; tile bytes compared on every
// tile.
import type { Baseline } from './baseline.js';
import type { BenchData, BenchRaster } from './data.js';
import { eachLimited } from './each-limited.js';
import { MAPSERVER_TIFF_FORMAT } from './mapfile.js';
import type { MeridianServer } from './meridian.js';
import type { NodeTiles } from './node-tiles-baseline.js';
import { COVERAGE_SIZE, coverageSequence, MAP_SIZE, mapSequence } from './requests.js';
import type { SeededTiles } from './wmts-cache.js';
import { getCoveragePath, getMapPath, type WcsSpelling } from './urls.js';
import { checkGeoTiff, checkPng, checkPngHeader, differingValues, fetchBody, meanImageDifference, type Fetched } from './validate.js';
import type { SequenceTarget } from './wrk-sequence.js';

export interface BenchCase {
  id: string;
  title: string;
  baselineName: string;
  /** Meridian's requests/s must be at least this multiple of the baseline's. */
  target: number;
  meridian: SequenceTarget;
  baseline: SequenceTarget;
  /** A second baseline: the raw operation underneath (reported, no target). */
  floor?: { name: string; target: SequenceTarget };
  /** Checks both servers' answers to every path (throws on any wrong one); facts for the report. */
  validate(): Promise<Record<string, number>>;
}

export const WMS_TARGET = 1.2;
export const WCS_TARGET = 1.2;
export const WMTS_TARGET = 0.8;
/**
 * Mean absolute difference (0-255 per sample) above which two servers' maps of one request are
 * not the same picture (another place, another style): measured, they differ by 0.5-3 (one
 * server's nearest pixel is not always the other's).
 */
export const MAX_MEAN_PIXEL_DIFFERENCE = 24;
/** Answers decoded and compared between the servers per image case. */
const DECODED_SAMPLE = 24;
/** Requests in flight while checking. */
const CHECK_CONCURRENCY = 4;

interface Servers {
  meridian: MeridianServer;
  baseline: Baseline;
}

const meridianPids = (m: MeridianServer) => () => m.pids();

async function bothAnswers(s: Servers, meridianPath: string, baselinePath: string): Promise<[Fetched, Fetched]> {
  return Promise.all([fetchBody(s.meridian.origin + meridianPath), fetchBody(s.baseline.origin + baselinePath)]);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function wmsCase(data: BenchData, s: Servers, layer: BenchRaster['name'], count: number, wmsPath: string): BenchCase {
  const maps = mapSequence(data, layer, count);
  const meridianPaths = maps.map((m) => getMapPath(wmsPath, data.crs, m));
  const baselinePaths = maps.map((m) => getMapPath(s.baseline.mapservPath, data.crs, m));
  return {
    id: `wms-${layer}`,
    title: `WMS GetMap ${layer} ${MAP_SIZE}x${MAP_SIZE} PNG`,
    baselineName: 'MapServer',
    target: WMS_TARGET,
    meridian: { server: 'meridian', origin: s.meridian.origin, paths: meridianPaths, contentType: 'image/png', pids: meridianPids(s.meridian) },
    baseline: { server: 'mapserver', origin: s.baseline.origin, paths: baselinePaths, contentType: 'image/png', pids: s.baseline.pids },
    async validate() {
      const bytes = { meridian: [] as number[], baseline: [] as number[] };
      const differences: number[] = [];
      const every = Math.max(1, Math.floor(count / DECODED_SAMPLE));
      await eachLimited(maps, CHECK_CONCURRENCY, async (_m, i) => {
        const [m, b] = await bothAnswers(s, meridianPaths[i]!, baselinePaths[i]!);
        checkPngHeader(m, MAP_SIZE, MAP_SIZE);
        checkPngHeader(b, MAP_SIZE, MAP_SIZE);
        bytes.meridian.push(m.body.length);
        bytes.baseline.push(b.body.length);
        if (i % every === 0) {
          const difference = meanImageDifference(await checkPng(m, MAP_SIZE, MAP_SIZE), await checkPng(b, MAP_SIZE, MAP_SIZE));
          if (difference > MAX_MEAN_PIXEL_DIFFERENCE) throw new Error(`${m.url} and ${b.url} drew different maps (mean difference ${difference.toFixed(1)} per sample): the servers are not doing the same work`);
          differences.push(difference);
        }
      });
      return {
        checked: count,
        meridianMeanBytes: mean(bytes.meridian),
        baselineMeanBytes: mean(bytes.baseline),
        meanPixelDifference: mean(differences),
        maxPixelDifference: Math.max(...differences),
      };
    },
  };
}

export function wcsCase(data: BenchData, s: Servers, coverage: BenchRaster['name'], count: number, wcsPath: string, compression: 'none' | 'deflate'): BenchCase {
  const subsets = coverageSequence(data, coverage, count);
  const meridianSpelling: WcsSpelling = { axes: ['E', 'N'], format: () => 'image/tiff', extra: { 'geotiff:compression': compression === 'deflate' ? 'Deflate' : 'None' } };
  const baselineSpelling: WcsSpelling = { axes: ['x', 'y'], format: (c) => MAPSERVER_TIFF_FORMAT[c] };
  const meridianPaths = subsets.map((c) => getCoveragePath(wcsPath, meridianSpelling, c));
  const baselinePaths = subsets.map((c) => getCoveragePath(s.baseline.mapservPath, baselineSpelling, c));
  const expected = coverage === 'rgb' ? { bands: 3, sampleType: 'uint8' } : { bands: 1, sampleType: 'float32' };
  return {
    id: `wcs-${coverage}`,
    title: `WCS GetCoverage ${coverage} ${COVERAGE_SIZE}x${COVERAGE_SIZE} GeoTIFF (${compression})`,
    baselineName: 'MapServer',
    target: WCS_TARGET,
    meridian: { server: 'meridian', origin: s.meridian.origin, paths: meridianPaths, contentType: 'image/tiff', pids: meridianPids(s.meridian) },
    baseline: { server: 'mapserver', origin: s.baseline.origin, paths: baselinePaths, contentType: 'image/tiff', pids: s.baseline.pids },
    async validate() {
      const bytes = { meridian: [] as number[], baseline: [] as number[] };
      let differing = 0;
      await eachLimited(subsets, CHECK_CONCURRENCY, async (c, i) => {
        const [m, b] = await bothAnswers(s, meridianPaths[i]!, baselinePaths[i]!);
        const want = { width: COVERAGE_SIZE, height: COVERAGE_SIZE, ...expected, bbox: c.bbox };
        const mt = await checkGeoTiff(m, want);
        const bt = await checkGeoTiff(b, want);
        bytes.meridian.push(m.body.length);
        bytes.baseline.push(b.body.length);
        differing += differingValues(mt, bt);
      });
      return { checked: count, meridianMeanBytes: mean(bytes.meridian), baselineMeanBytes: mean(bytes.baseline), differingValues: differing };
    },
  };
}

export function wmtsCase(s: Servers, seeded: SeededTiles, nodeTiles?: NodeTiles): BenchCase {
  const nginxPaths = seeded.files.map((f) => `${s.baseline.tilesPath}/${f}`);
  const nodePaths = nodeTiles ? seeded.files.map((f) => `${nodeTiles.tilesPath}/${f}`) : [];
  return {
    id: 'wmts',
    title: 'WMTS cached tiles (rgb + dem) 256x256 PNG',
    baselineName: 'nginx',
    target: WMTS_TARGET,
    meridian: { server: 'meridian', origin: s.meridian.origin, paths: seeded.meridianPaths, contentType: 'image/png', pids: meridianPids(s.meridian) },
    // Only nginx's processes: mapserv has no part in serving files.
    baseline: { server: 'nginx', origin: s.baseline.origin, paths: nginxPaths, contentType: 'image/png', pids: () => s.baseline.pids().filter((p) => !s.baseline.mapservPids.includes(p)) },
    floor: nodeTiles && { name: 'raw Node', target: { server: 'raw-node', origin: nodeTiles.origin, paths: nodePaths, contentType: 'image/png', pids: nodeTiles.pids } },
    async validate() {
      const bytes: number[] = [];
      const every = Math.max(1, Math.floor(nginxPaths.length / DECODED_SAMPLE));
      await eachLimited(nginxPaths, CHECK_CONCURRENCY, async (_p, i) => {
        const [m, b] = await bothAnswers(s, seeded.meridianPaths[i]!, nginxPaths[i]!);
        checkPngHeader(m, MAP_SIZE, MAP_SIZE);
        checkPngHeader(b, MAP_SIZE, MAP_SIZE);
        if (!m.body.equals(b.body)) throw new Error(`${m.url} and ${b.url} answered different bytes (${m.body.length} and ${b.body.length})`);
        if (nodeTiles) {
          const n = await fetchBody(nodeTiles.origin + nodePaths[i]!);
          if (!n.body.equals(m.body)) throw new Error(`${n.url} (raw Node) and ${m.url} answered different bytes`);
        }
        bytes.push(m.body.length);
        if (i % every === 0) await checkPng(m, MAP_SIZE, MAP_SIZE);
      });
      return { checked: nginxPaths.length, meanBytes: mean(bytes) };
    },
  };
}
