/**
 * Sample rasters for `meridian serve` with no config: generated at first start (not shipped),
 * deterministic (same bytes on every run), written as COGs by our own encoder.
 *
 * - An RGB image of synthetic land cover near Zürich in UTM zone 32N (EPSG:32632), 10 m pixels:
 *   lakes, a river, forest, fields, a town, two roads; a white line every kilometre on the UTM
 *   grid and a coloured square in each corner, so where a client draws it can be checked.
 * - An elevation grid (float32 metres, nodata -9999) over the Valais Alps in EPSG:4326: ridged
 *   fractal terrain with a few voids, like the holes of radar elevation models.
 */
import { seededRandom } from '../../core/seeded-random.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import { encodeGeoTiff, type GeoTiffOptions } from './encode/index.js';
import type { Grid, Raster } from './types.js';

export interface SampleRaster {
  /** Blob key under the prefix: 'landcover-zurich.tif'. */
  name: string;
  title: string;
  abstract: string;
  grid: Grid;
  bandNames: string[];
  nodata?: number;
  /** The COG. */
  body: Buffer;
}

/** Bumped whenever the generated pixels change, so an existing store gets the new files. */
export const SAMPLE_RASTERS_VERSION = '1';

export const LANDCOVER = {
  name: 'landcover-zurich.tif',
  size: 2048,
  pixel: 10,
  /** Top-left corner on whole kilometres, so the kilometre lines fall on pixel edges (every 100th column and row). */
  origin: [460000, 5260000] as const,
  crs: 'EPSG:32632',
  /** Corner squares (pixels from each corner) and their colours: NW red, NE green, SW blue, SE yellow. */
  marker: 48,
  markers: { nw: [230, 30, 30], ne: [30, 200, 60], sw: [40, 60, 230], se: [245, 220, 40] } as const,
  /** The kilometre lines' colour. */
  line: [255, 255, 255] as const,
};

export const ELEVATION = {
  name: 'elevation-valais.tif',
  size: 1024,
  /** One degree square, top-left at 7°E 46.5°N: the Matterhorn (7.66°E 45.98°N) is inside. */
  transform: [7, 1 / 1024, 0, 46.5, 0, -1 / 1024] as [number, number, number, number, number, number],
  crs: 'EPSG:4326',
  nodata: -9999,
  min: 400,
  max: 4600,
};

/**
 * Fractal noise on a (2^k + 1)-square lattice by the diamond-square algorithm, in [0, 1]: far
 * cheaper per pixel than summed octaves of gradient noise, which start-up time cannot afford.
 * `largest`: the largest feature in pixels (a power of two); coarser steps add nothing, so the
 * noise has no relief at larger scales.
 */
function diamondSquare(exponent: number, seed: number, roughness: number, largest = 1 << exponent): { size: number; values: Float32Array } {
  const n = 1 << exponent;
  const size = n + 1;
  const v = new Float32Array(size * size);
  const random = seededRandom(seed);
  const at = (x: number, y: number) => y * size + x;
  if (largest >= n) {
    v[at(0, 0)] = random();
    v[at(n, 0)] = random();
    v[at(0, n)] = random();
    v[at(n, n)] = random();
  }
  let amplitude = 1;
  for (let step = n; step > 1; step >>= 1) {
    if (step > largest) {
      // Keep the lattice flat until the scale of the largest feature (displacing nothing).
      for (let y = 0; y < size; y += step >> 1) for (let x = 0; x < size; x += step >> 1) v[at(x, y)] = 0.5;
      continue;
    }
    const half = step >> 1;
    for (let y = half; y < n; y += step) {
      for (let x = half; x < n; x += step) {
        const mean = (v[at(x - half, y - half)]! + v[at(x + half, y - half)]! + v[at(x - half, y + half)]! + v[at(x + half, y + half)]!) / 4;
        v[at(x, y)] = mean + (random() - 0.5) * amplitude;
      }
    }
    for (let y = 0; y <= n; y += half) {
      for (let x = (y / half) % 2 === 0 ? half : 0; x <= n; x += step) {
        let sum = 0;
        let count = 0;
        if (x >= half) { sum += v[at(x - half, y)]!; count++; }
        if (x + half <= n) { sum += v[at(x + half, y)]!; count++; }
        if (y >= half) { sum += v[at(x, y - half)]!; count++; }
        if (y + half <= n) { sum += v[at(x, y + half)]!; count++; }
        v[at(x, y)] = sum / count + (random() - 0.5) * amplitude;
      }
    }
    amplitude *= roughness;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! - lo) / (hi - lo);
  return { size, values: v };
}

/** A lattice stretched over `width` x `height` pixels, bilinearly, one row at a time. */
function upsampleRow(field: { size: number; values: Float32Array }, y: number, height: number, width: number, out: Float32Array): void {
  const cells = field.size - 1;
  const fy = (y / height) * cells;
  const y0 = Math.min(cells - 1, Math.floor(fy));
  const ty = fy - y0;
  const top = y0 * field.size;
  const bottom = top + field.size;
  const v = field.values;
  const scale = cells / width;
  for (let x = 0; x < width; x++) {
    const fx = x * scale;
    const x0 = Math.min(cells - 1, fx | 0);
    const tx = fx - x0;
    const a = v[top + x0]! + (v[top + x0 + 1]! - v[top + x0]!) * tx;
    const b = v[bottom + x0]! + (v[bottom + x0 + 1]! - v[bottom + x0]!) * tx;
    out[x] = a + (b - a) * ty;
  }
}

/** A stable pseudo-random integer for a pair of integers (field parcels, town blocks). */
function hash2(a: number, b: number): number {
  let h = Math.imul(a, 0x27d4eb2d) ^ Math.imul(b, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

const CROPS: ReadonlyArray<readonly [number, number, number]> = [
  [196, 178, 96], // ripe wheat
  [128, 160, 70], // young crop
  [150, 116, 80], // ploughed soil
  [170, 190, 90], // meadow
  [210, 196, 120], // stubble
  [100, 140, 60], // maize
];

export function landcoverRaster(): { raster: Raster; grid: Grid } {
  const { size, pixel, origin, marker, markers, line } = LANDCOVER;
  const n = size * size;
  const red = new Uint8Array(n);
  const green = new Uint8Array(n);
  const blue = new Uint8Array(n);
  const terrain = diamondSquare(8, 20240601, 0.55);
  const moisture = diamondSquare(7, 20240602, 0.6);
  const l = new Float32Array(size);
  const m = new Float32Array(size);
  // Fields on a grid turned by 20 degrees, 400 m by 250 m.
  const cos = Math.cos(0.35);
  const sin = Math.sin(0.35);
  const town = { x: 1240, y: 760, r: 210 };
  for (let y = 0; y < size; y++) {
    upsampleRow(terrain, y, size, size, l);
    upsampleRow(moisture, y, size, size, m);
    // A meandering river from north to south.
    const riverX = 700 + 140 * Math.sin(y / 190) + 45 * Math.sin(y / 47 + 1);
    const riverHalfWidth = 5 + 3 * Math.sin(y / 300);
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const t = l[x]!;
      const wet = m[x]!;
      let r: number;
      let g: number;
      let b: number;
      const dxTown = x - town.x;
      const dyTown = y - town.y;
      const inTown = dxTown * dxTown + dyTown * dyTown < (town.r * (0.75 + 0.5 * wet)) ** 2;
      if (t < 0.25 || Math.abs(x - riverX) < riverHalfWidth) {
        // Water, darker where deeper.
        const depth = Math.min(1, Math.max(0, (0.25 - t) * 6));
        r = 40 - 20 * depth;
        g = 95 - 35 * depth;
        b = 150 - 30 * depth;
      } else if (inTown) {
        // Blocks of 120 m with streets between them.
        const street = x % 12 < 2 || y % 12 < 2;
        const shade = hash2((x / 12) | 0, (y / 12) | 0) & 31;
        r = street ? 90 : 150 + shade;
        g = street ? 90 : 140 + shade;
        b = street ? 95 : 135 + shade;
      } else if (t > 0.7) {
        // Forest, darker on wetter ground.
        r = 30 + 30 * (1 - wet);
        g = 75 + 40 * (1 - wet) - 25 * (t - 0.7);
        b = 35;
      } else {
        const u = x * cos + y * sin;
        const v = -x * sin + y * cos;
        const fu = u / 40;
        const fv = v / 25;
        const hedge = fu - Math.floor(fu) < 0.04 || fv - Math.floor(fv) < 0.06;
        if (hedge) {
          r = 60;
          g = 90;
          b = 45;
        } else {
          const crop = CROPS[hash2(Math.floor(fu), Math.floor(fv)) % CROPS.length]!;
          // Tramlines every 30 m along each field.
          const furrow = ((v | 0) % 3 === 0 ? 0.93 : 1) * (0.9 + 0.2 * wet);
          r = crop[0] * furrow;
          g = crop[1] * furrow;
          b = crop[2] * furrow;
        }
      }
      red[i] = r;
      green[i] = g;
      blue[i] = b;
    }
  }
  // Two straight roads, 10 m wide.
  const road = (x0: number, y0: number, x1: number, y1: number) => {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
    for (let s = 0; s <= steps; s++) {
      const cx = Math.round(x0 + ((x1 - x0) * s) / steps);
      const cy = Math.round(y0 + ((y1 - y0) * s) / steps);
      for (let d = -1; d <= 1; d++) {
        for (const [px, py] of [[cx + d, cy], [cx, cy + d]] as const) {
          if (px < 0 || py < 0 || px >= size || py >= size) continue;
          const i = py * size + px;
          red[i] = 205;
          green[i] = 200;
          blue[i] = 190;
        }
      }
    }
  };
  road(0, 1900, 2047, 300);
  road(200, 0, 1500, 2047);
  // The kilometre lines: every 100th row and column (the top-left corner is on whole kilometres).
  const kmPixels = 1000 / pixel;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (x % kmPixels !== 0 && y % kmPixels !== 0) continue;
      const i = y * size + x;
      red[i] = line[0];
      green[i] = line[1];
      blue[i] = line[2];
    }
  }
  const square = (x0: number, y0: number, colour: readonly [number, number, number]) => {
    for (let y = y0; y < y0 + marker; y++) {
      for (let x = x0; x < x0 + marker; x++) {
        const i = y * size + x;
        red[i] = colour[0];
        green[i] = colour[1];
        blue[i] = colour[2];
      }
    }
  };
  square(0, 0, markers.nw);
  square(size - marker, 0, markers.ne);
  square(0, size - marker, markers.sw);
  square(size - marker, size - marker, markers.se);
  const grid: Grid = { crs: LANDCOVER.crs, width: size, height: size, transform: [origin[0], pixel, 0, origin[1], 0, -pixel] };
  return { raster: { width: size, height: size, sampleType: 'uint8', bands: [red, green, blue] }, grid };
}

export function elevationRaster(): { raster: Raster; grid: Grid } {
  const { size, nodata, min, max } = ELEVATION;
  // Ridged multifractal, by hand: ridges of three octaves (band-limited noise folded about its
  // middle), each finer one weighted by the coarser, so spurs climb the ranges.
  const ranges = diamondSquare(10, 46008, 0.45, 512);
  const spurs = diamondSquare(10, 46009, 0.42, 128);
  const gullies = diamondSquare(10, 46010, 0.42, 32);
  const massif = diamondSquare(3, 46011, 0.5);
  const rowMassif = new Float32Array(size);
  const heights = new Float32Array(size * size);
  const random = seededRandom(46012);
  const ridge = (v: number) => {
    const r = 1 - Math.abs(2 * v - 1);
    return r * r;
  };
  for (let y = 0; y < size; y++) {
    upsampleRow(massif, y, size, size, rowMassif);
    for (let x = 0; x < size; x++) {
      const lattice = y * (size + 1) + x;
      const r1 = ridge(ranges.values[lattice]!);
      const r2 = ridge(spurs.values[lattice]!);
      const r3 = ridge(gullies.values[lattice]!);
      let h = (0.62 * r1 + 0.26 * r1 * r2 + 0.08 * r2 * r3 + 0.04 * r3) * (0.35 + 0.9 * rowMassif[x]!);
      // A broad valley running east-west across the north, like the Rhône's.
      const dv = (y - 170 - 40 * Math.sin(x / 160)) / 60;
      h *= 1 - 0.8 * Math.exp(-dv * dv);
      // Eighths of a metre: the float predictor then finds zero low bits and deflate compresses them.
      heights[y * size + x] = Math.round((min + (max - min) * Math.min(1, h)) * 8) / 8;
    }
  }
  // Voids: round holes of 4 to 18 pixels.
  for (let k = 0; k < 7; k++) {
    const cx = Math.floor(random() * size);
    const cy = Math.floor(random() * size);
    const r = 4 + random() * 14;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(size, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(size, Math.ceil(cx + r)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 < r * r) heights[y * size + x] = nodata;
      }
    }
  }
  const grid: Grid = { crs: ELEVATION.crs, width: size, height: size, transform: ELEVATION.transform };
  return { raster: { width: size, height: size, sampleType: 'float32', bands: [heights], nodata }, grid };
}

/** Deflate level 4: twice as fast as the default 6 on these rasters for files about 9% larger (start-up time counts). */
const COG: GeoTiffOptions = { cog: true, compression: 'deflate', level: 4 };

interface SampleRecipe extends Omit<SampleRaster, 'body'> {
  encode(): Buffer;
}

function recipes(): SampleRecipe[] {
  return [
    {
      name: LANDCOVER.name,
      title: 'Synthetic land cover near Zürich',
      abstract:
        'Generated RGB image, 2048 x 2048 pixels of 10 m in WGS 84 / UTM zone 32N (EPSG:32632), ' +
        'from 460000 E 5239520 N to 480480 E 5260000 N: lakes, a river, forest, fields, a town and roads. ' +
        'White lines mark every kilometre of the UTM grid; squares mark the corners (north-west red, ' +
        'north-east green, south-west blue, south-east yellow).',
      grid: { crs: LANDCOVER.crs, width: LANDCOVER.size, height: LANDCOVER.size, transform: [LANDCOVER.origin[0], LANDCOVER.pixel, 0, LANDCOVER.origin[1], 0, -LANDCOVER.pixel] },
      bandNames: ['red', 'green', 'blue'],
      encode() {
        const { raster, grid } = landcoverRaster();
        return encodeGeoTiff(raster, grid, { ...COG, predictor: 'horizontal', bandNames: this.bandNames });
      },
    },
    {
      name: ELEVATION.name,
      title: 'Synthetic elevation of the Valais Alps',
      abstract:
        'Generated elevation grid in metres (float32), 1024 x 1024 cells over 7-8 E, 45.5-46.5 N in ' +
        'WGS 84 (EPSG:4326): ridged fractal mountains from 400 to 4600 m with a valley in the north ' +
        'and a few voids (nodata -9999).',
      grid: { crs: ELEVATION.crs, width: ELEVATION.size, height: ELEVATION.size, transform: ELEVATION.transform },
      bandNames: ['elevation'],
      nodata: ELEVATION.nodata,
      encode() {
        const { raster, grid } = elevationRaster();
        return encodeGeoTiff(raster, grid, { ...COG, predictor: 'floatingpoint', bandNames: this.bandNames, bandUnits: ['m'] });
      },
    },
  ];
}

const withoutEncoder = ({ encode: _encode, ...description }: SampleRecipe): Omit<SampleRaster, 'body'> => description;

/** What the sample rasters are (names, titles, grids), without generating them. */
export function describeSampleRasters(): Array<Omit<SampleRaster, 'body'>> {
  return recipes().map(withoutEncoder);
}

/** Both sample rasters as COGs (deflate with the predictor their samples call for, overviews averaged). */
export function generateSampleRasters(): SampleRaster[] {
  return recipes().map((recipe) => ({ ...withoutEncoder(recipe), body: recipe.encode() }));
}

/**
 * Writes each sample raster under `prefix` unless it is there already (of this version), and
 * returns every sample key. Generating both takes about half a second, spent only on those a
 * store lacks.
 */
export async function writeSampleRasters(blobs: BlobStore, prefix = 'coverages/samples/'): Promise<string[]> {
  const keys: string[] = [];
  for (const recipe of recipes()) {
    const key = prefix + recipe.name;
    keys.push(key);
    const present = await blobs.head(key);
    if (present?.metadata['sample-version'] === SAMPLE_RASTERS_VERSION) continue;
    const body = recipe.encode();
    await blobs.put(key, body, {
      contentType: 'image/tiff; application=geotiff; profile=cloud-optimized',
      size: body.length,
      metadata: { 'sample-version': SAMPLE_RASTERS_VERSION },
    });
  }
  return keys;
}
