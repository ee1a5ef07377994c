// The benchmark's request sequences, the same for every server: fixed pseudo-random (seeded)
// lists, each server spelling them as its own URLs. WMS maps of 256×256 at several scales
// (pixel sizes from native to overview levels, not aligned on the source grid, as clients ask),
// WCS 512×512 subsets at native resolution aligned on the source grid (exact source values, so
// both servers' answers can be compared value for value).
import { seededRandom } from '../../../core/seeded-random.js';
import type { Bbox } from '../../../plugins/coverages/types.js';
import type { BenchData, BenchRaster } from './data.js';

export const MAP_SIZE = 256;
export const COVERAGE_SIZE = 512;

export interface MapSpec {
  layer: BenchRaster['name'];
  /** x/y order, in the rasters' CRS. */
  bbox: Bbox;
  /** Metres per pixel of the map: which scale it is. */
  resolution: number;
}

export interface CoverageSpec {
  coverage: BenchRaster['name'];
  bbox: Bbox;
  /** The subset's top-left pixel in the full-resolution grid. */
  column: number;
  row: number;
}

/** Map pixel sizes, as multiples of the layer's native pixel: full resolution to a whole-extent view. */
const SCALE_FACTORS = [1, 2.5, 7, 20];

/** `count` GetMap boxes over `layer`, cycling through the scales, each at a random place inside the data. */
export function mapSequence(data: BenchData, layer: BenchRaster['name'], count: number, seed = 7001): MapSpec[] {
  const raster = data[layer];
  const next = seededRandom(seed);
  const [minx, miny, maxx, maxy] = data.bbox;
  const out: MapSpec[] = [];
  for (let i = 0; i < count; i++) {
    const resolution = raster.pixelM * SCALE_FACTORS[i % SCALE_FACTORS.length]!;
    const span = Math.min(resolution * MAP_SIZE, maxx - minx);
    // Whole metres plus a random fraction of a pixel: not on the source grid.
    const x = minx + Math.floor(next() * (maxx - minx - span)) + 0.37;
    const y = miny + Math.floor(next() * (maxy - miny - span)) + 0.61;
    const fit = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
    const x0 = fit(x, minx, maxx - span);
    const y0 = fit(y, miny, maxy - span);
    out.push({ layer, bbox: [x0, y0, x0 + span, y0 + span], resolution: span / MAP_SIZE });
  }
  return out;
}

/** `count` GetCoverage subsets of 512×512 source pixels of `coverage`, on its grid. */
export function coverageSequence(data: BenchData, coverage: BenchRaster['name'], count: number, seed = 7002): CoverageSpec[] {
  const raster = data[coverage];
  const next = seededRandom(seed);
  const [minx, , , maxy] = data.bbox;
  const out: CoverageSpec[] = [];
  for (let i = 0; i < count; i++) {
    const column = Math.floor(next() * (raster.size - COVERAGE_SIZE + 1));
    const row = Math.floor(next() * (raster.size - COVERAGE_SIZE + 1));
    const x0 = minx + column * raster.pixelM;
    const y1 = maxy - row * raster.pixelM;
    out.push({ coverage, column, row, bbox: [x0, y1 - COVERAGE_SIZE * raster.pixelM, x0 + COVERAGE_SIZE * raster.pixelM, y1] });
  }
  return out;
}

/** Coordinates as short decimal text (no float noise in URLs). */
export const coord = (v: number) => String(Math.round(v * 1000) / 1000);
