// The rasters both servers serve: an RGB uint8 COG and a float32 DEM COG over the same square
// in UTM zone 31N, made once with GDAL (procedural-cogs.py) and kept in BENCH_COVERAGES_DIR
// (default: a folder under the system temp dir) for later runs.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Bbox } from '../../../plugins/coverages/types.js';

const run = promisify(execFile);

/** Bumped whenever procedural-cogs.py changes what it writes, so cached files are remade. */
const GENERATOR_VERSION = 1;
const script = fileURLToPath(new URL('./procedural-cogs.py', import.meta.url));
/** python3-gdal is installed for the system Python, not necessarily the first on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export const CRS = 'EPSG:32631';
const ORIGIN_X = 400_000;
const ORIGIN_Y = 5_050_000;
/** Metres on a side of both rasters. */
export const EXTENT_M = 81_920;

export interface BenchRaster {
  /** Layer name in both servers (WMS layer, WCS coverage id, WMTS layer). */
  name: 'rgb' | 'dem';
  path: string;
  size: number;
  /** Metres per pixel at full resolution. */
  pixelM: number;
  bytes: number;
}

export interface BenchData {
  dir: string;
  crs: string;
  /** Both rasters' extent, x/y order. */
  bbox: Bbox;
  rgb: BenchRaster;
  dem: BenchRaster;
  /** Least and greatest DEM height (computed by gdalinfo -mm, which writes no .aux.xml beside the file). */
  demRange: [number, number];
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 512) throw new Error(`${name} must be an integer of at least 512, not '${raw}'`);
  return n;
}

async function demRange(path: string): Promise<[number, number]> {
  const { stdout } = await run('gdalinfo', ['-json', '-mm', path], { maxBuffer: 64 << 20 });
  const band = (JSON.parse(stdout) as { bands: Array<{ computedMin?: number; computedMax?: number }> }).bands[0];
  const min = band?.computedMin;
  const max = band?.computedMax;
  if (min === undefined || max === undefined) throw new Error(`gdalinfo -mm gave no minimum and maximum for ${path}`);
  return [min, max];
}

/** The benchmark's rasters, made on first use (a minute or two at the default sizes). */
export async function benchData(log: (line: string) => void): Promise<BenchData> {
  const rgbSize = positiveInt('BENCH_COVERAGES_RGB_SIZE', 8192);
  const demSize = positiveInt('BENCH_COVERAGES_DEM_SIZE', 4096);
  const root = process.env.BENCH_COVERAGES_DIR || join(tmpdir(), 'meridian-bench-coverages');
  const dir = join(root, `v${GENERATOR_VERSION}-rgb${rgbSize}-dem${demSize}`);
  const rgbPath = join(dir, 'rgb.tif');
  const demPath = join(dir, 'dem.tif');
  if (!existsSync(rgbPath) || !existsSync(demPath)) {
    mkdirSync(dir, { recursive: true });
    log(`making ${rgbSize}² RGB and ${demSize}² DEM COGs in ${dir}`);
    const started = performance.now();
    await run(PYTHON, [script, dir, String(rgbSize), String(demSize), String(ORIGIN_X), String(ORIGIN_Y), String(EXTENT_M)]);
    log(`made them in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const rangeFile = join(dir, 'dem-range.json');
  let range: [number, number];
  if (existsSync(rangeFile)) range = JSON.parse(readFileSync(rangeFile, 'utf8')) as [number, number];
  else {
    range = await demRange(demPath);
    writeFileSync(rangeFile, JSON.stringify(range));
  }
  return {
    dir,
    crs: CRS,
    bbox: [ORIGIN_X, ORIGIN_Y - EXTENT_M, ORIGIN_X + EXTENT_M, ORIGIN_Y],
    rgb: { name: 'rgb', path: rgbPath, size: rgbSize, pixelM: EXTENT_M / rgbSize, bytes: statSync(rgbPath).size },
    dem: { name: 'dem', path: demPath, size: demSize, pixelM: EXTENT_M / demSize, bytes: statSync(demPath).size },
    demRange: range,
  };
}
