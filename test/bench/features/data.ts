// The vector data both servers serve, made once with GDAL and kept in BENCH_FEATURES_DIR (default:
// a folder under the system temp dir): one GeoPackage holding `points` (50,000 points), `polygons`
// (2,000 polygons) and `big` (BENCH_FEATURES_BIG points, 200,000 by default, 1,000,000 for the
// issue's figure), all EPSG:4326 over the same 10° square, drawn from a seeded generator into CSV
// files and converted by ogr2ogr. MapServer reads the GeoPackage itself; Meridian imports it.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { seededRandom } from '../../../core/seeded-random.js';

const run = promisify(execFile);

/** Bumped whenever what is generated changes, so cached files are remade. */
const GENERATOR_VERSION = 1;

/** The square every layer covers, lon/lat. */
export const EXTENT = { minLon: 5, minLat: 44, maxLon: 15, maxLat: 54 } as const;
export const CATEGORIES = ['road', 'river', 'forest', 'field', 'town', 'lake', 'hill', 'station'] as const;

export interface LayerInfo {
  /** Table in the GeoPackage, MapServer layer name and Meridian collection id. */
  name: 'points' | 'polygons' | 'big';
  features: number;
  geometry: 'Point' | 'Polygon';
}

export interface FeaturesData {
  dir: string;
  gpkg: string;
  bytes: number;
  layers: Record<LayerInfo['name'], LayerInfo>;
  /** Seconds spent generating (0 when cached). */
  generatedSec: number;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`${name} must be an integer of at least 1000, not '${raw}'`);
  return n;
}

/** Attributes every feature has: a unique code (the id both servers' answers are compared by) and four more. */
const HEADER = 'code,name,category,value,rank';
function attributes(code: number, random: () => number): string {
  // Three decimals always, so GDAL's type detection reads a Real column.
  return `${code},feature ${code},${CATEGORIES[Math.floor(random() * CATEGORIES.length)]},${(random() * 1000 + 0.001).toFixed(3)},${Math.floor(random() * 100)}`;
}

async function writeLines(path: string, header: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const lon = (random: () => number) => EXTENT.minLon + random() * (EXTENT.maxLon - EXTENT.minLon);
const lat = (random: () => number) => EXTENT.minLat + random() * (EXTENT.maxLat - EXTENT.minLat);

async function pointsCsv(path: string, count: number, seed: number, codeBase: number): Promise<void> {
  const random = seededRandom(seed);
  await writeLines(path, `lon,lat,${HEADER}`, count, (i) => `${lon(random).toFixed(6)},${lat(random).toFixed(6)},${attributes(codeBase + i, random)}`);
}

/** Star-shaped polygons of 8 to 24 vertices, 0.05° to 0.15° across, counter-clockwise. */
async function polygonsCsv(path: string, count: number, seed: number, codeBase: number): Promise<void> {
  const random = seededRandom(seed);
  await writeLines(path, `wkt,${HEADER}`, count, (i) => {
    const cx = lon(random);
    const cy = lat(random);
    const vertices = 8 + Math.floor(random() * 17);
    const ring: string[] = [];
    for (let v = 0; v < vertices; v++) {
      const a = (2 * Math.PI * v) / vertices;
      const r = 0.025 + random() * 0.05;
      ring.push(`${(cx + r * Math.cos(a)).toFixed(6)} ${(cy + r * Math.sin(a)).toFixed(6)}`);
    }
    ring.push(ring[0]!);
    return `"POLYGON ((${ring.join(', ')}))",${attributes(codeBase + i, random)}`;
  });
}

async function ogrAppend(gpkg: string, csv: string, layer: string, geometry: 'point' | 'wkt', first: boolean): Promise<void> {
  const open = geometry === 'point' ? ['-oo', 'X_POSSIBLE_NAMES=lon', '-oo', 'Y_POSSIBLE_NAMES=lat'] : ['-oo', 'GEOM_POSSIBLE_NAMES=wkt', '-nlt', 'POLYGON'];
  await run('ogr2ogr', [
    '-f', 'GPKG', ...(first ? [] : ['-update']), gpkg, csv, '-nln', layer, '-a_srs', 'EPSG:4326',
    ...open, '-oo', 'KEEP_GEOM_COLUMNS=NO', '-oo', 'AUTODETECT_TYPE=YES', '-gt', '65536', '-lco', 'SPATIAL_INDEX=YES',
  ], { maxBuffer: 16 << 20 });
}

export async function featuresData(log: (line: string) => void): Promise<FeaturesData> {
  const points = positiveInt('BENCH_FEATURES_POINTS', 50_000);
  const polygons = positiveInt('BENCH_FEATURES_POLYGONS', 2_000);
  const big = positiveInt('BENCH_FEATURES_BIG', 200_000);
  const dir = process.env.BENCH_FEATURES_DIR || join(tmpdir(), 'meridian-bench-features');
  mkdirSync(dir, { recursive: true });
  const key = `v${GENERATOR_VERSION}-${points}-${polygons}-${big}`;
  const gpkg = join(dir, `features-${key}.gpkg`);
  const done = `${gpkg}.done`;
  const layers: FeaturesData['layers'] = {
    points: { name: 'points', features: points, geometry: 'Point' },
    polygons: { name: 'polygons', features: polygons, geometry: 'Polygon' },
    big: { name: 'big', features: big, geometry: 'Point' },
  };
  let generatedSec = 0;
  if (!existsSync(done)) {
    const started = performance.now();
    log(`generating ${gpkg} (${points} points, ${polygons} polygons, ${big} big points)`);
    rmSync(gpkg, { force: true });
    const csv = (name: string) => join(dir, `${key}-${name}.csv`);
    await pointsCsv(csv('points'), points, 1, 1);
    await polygonsCsv(csv('polygons'), polygons, 2, 1);
    await pointsCsv(csv('big'), big, 3, 1);
    await ogrAppend(gpkg, csv('points'), 'points', 'point', true);
    await ogrAppend(gpkg, csv('polygons'), 'polygons', 'wkt', false);
    await ogrAppend(gpkg, csv('big'), 'big', 'point', false);
    for (const name of ['points', 'polygons', 'big']) rmSync(csv(name), { force: true });
    writeFileSync(done, `${JSON.stringify(layers)}\n`);
    generatedSec = (performance.now() - started) / 1000;
    log(`generated in ${generatedSec.toFixed(1)} s`);
  }
  JSON.parse(readFileSync(done, 'utf8'));
  return { dir, gpkg, bytes: statSync(gpkg).size, layers, generatedSec };
}
