/**
 * Shaded relief by Horn's method, as gdaldem hillshade computes it: the slope from the 3x3
 * neighbourhood weighted 1-2-1, lit from an azimuth and altitude, shade = 1 + 254 * cos(angle of
 * incidence) (1 in full shadow). Neighbours outside the raster are extrapolated linearly from
 * the two nearest pixels in line (so a plane keeps its slope up to the edge, and tiles join
 * without a seam; gdaldem -compute_edges does the same along edges), and missing neighbours
 * take the centre's value (as gdaldem does). Elevation and pixel sizes must share a unit.
 */
import type { Raster, SampleArray } from '../types.js';
import { colorAt, linearLookup, linearLookupSize, type ColorMap } from './color-map.js';
import type { OutputWindow } from './window.js';

export interface HillshadeParameters {
  azimuth: number;
  altitude: number;
  zFactor: number;
  /** Pixel width and height in the elevation's unit (metres), positive. */
  pixelSize: [number, number];
}

export function renderHillshade(
  raster: Raster,
  values: SampleArray,
  params: HillshadeParameters,
  colors: ColorMap | undefined,
  win: OutputWindow,
  out: Uint8ClampedArray,
): void {
  const { inWidth: w, inHeight: h, margin, width, height } = win;
  const padded = paddedElevation(raster, values, w, h);
  const pw = w + 2;
  const dx = Math.abs(params.pixelSize[0]);
  const dy = Math.abs(params.pixelSize[1]);
  const az = (params.azimuth * Math.PI) / 180;
  const alt = (params.altitude * Math.PI) / 180;
  const sinAlt = Math.sin(alt);
  // Light vector (east, north, up); the surface normal is (-p, -q, 1) for slopes p east and q north.
  const lightEast = Math.cos(alt) * Math.sin(az);
  const lightNorth = Math.cos(alt) * Math.cos(az);
  const kx = params.zFactor / (8 * dx);
  const ky = params.zFactor / (8 * dy);
  // Colour-shaded relief: flat ground shows the ramp's colour, slopes brighten or darken it.
  const flatShade = 1 + 254 * sinAlt;
  const color = new Uint8Array(4);
  // Linear ramps through their lookup table (as ramp styles draw them), discrete ones exactly.
  const lookup = colors && colors.mode === 'linear' ? linearLookup(colors) : undefined;
  const table = lookup ? new Uint8Array(lookup.table.buffer) : undefined;
  const { mask } = raster;
  const nodata = mask ? undefined : raster.nodata;
  for (let y = 0; y < height; y++) {
    const row = y + margin;
    let ii = row * w + margin;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, ii++, o += 4) {
      const col = x + margin;
      const centre = padded[(row + 1) * pw + col + 1];
      if (centre !== centre || (mask !== undefined && mask[ii] === 0) || centre === nodata) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        continue;
      }
      // The 3x3 window a b c / d e f / g h i, north row first.
      const top = row * pw + col;
      const mid = top + pw;
      const bot = mid + pw;
      let a = padded[top];
      let b = padded[top + 1];
      let c = padded[top + 2];
      let d = padded[mid];
      let f = padded[mid + 2];
      let g = padded[bot];
      let hh = padded[bot + 1];
      let i = padded[bot + 2];
      if (a !== a) a = centre;
      if (b !== b) b = centre;
      if (c !== c) c = centre;
      if (d !== d) d = centre;
      if (f !== f) f = centre;
      if (g !== g) g = centre;
      if (hh !== hh) hh = centre;
      if (i !== i) i = centre;
      const p = (c + 2 * f + i - (a + 2 * d + g)) * kx;
      const q = (a + 2 * b + c - (g + 2 * hh + i)) * ky;
      const cosIncidence = (sinAlt - p * lightEast - q * lightNorth) / Math.sqrt(1 + p * p + q * q);
      const shade = cosIncidence <= 0 ? 1 : 1 + 254 * cosIncidence;
      if (colors === undefined) {
        out[o] = out[o + 1] = out[o + 2] = shade;
        out[o + 3] = 255;
      } else {
        const factor = shade / flatShade;
        let c: Uint8Array = color;
        let co = 0;
        if (lookup !== undefined) {
          c = table!;
          // color-map.ts's lookupIndex, written out (a call into another module per pixel costs its getters under tsx).
          const e = (centre - lookup.v0) * lookup.k;
          co = (!(e > 0) ? 0 : e >= linearLookupSize - 1 ? linearLookupSize - 1 : (e + 0.5) | 0) * 4;
        } else {
          colorAt(colors, centre, color, 0);
        }
        out[o] = c[co] * factor;
        out[o + 1] = c[co + 1] * factor;
        out[o + 2] = c[co + 2] * factor;
        out[o + 3] = c[co + 3];
      }
    }
  }
}

/**
 * The elevation as float64 with a one-pixel border: NaN where a pixel is missing, the border
 * extrapolated (2 * edge - next) or copied when the raster is one pixel wide or the next is missing.
 */
function paddedElevation(raster: Raster, values: SampleArray, w: number, h: number): Float64Array {
  const pw = w + 2;
  const ph = h + 2;
  const z = new Float64Array(pw * ph);
  const { mask } = raster;
  const nodata = mask ? undefined : raster.nodata;
  for (let y = 0; y < h; y++) {
    let pi = (y + 1) * pw + 1;
    let ii = y * w;
    for (let x = 0; x < w; x++, pi++, ii++) {
      const v = values[ii];
      z[pi] = (mask !== undefined && mask[ii] === 0) || v === nodata ? NaN : v;
    }
  }
  const extrapolate = (edge: number, next: number): number => (next !== next ? edge : 2 * edge - next);
  for (let y = 1; y <= h; y++) {
    const r = y * pw;
    z[r] = w > 1 ? extrapolate(z[r + 1], z[r + 2]) : z[r + 1];
    z[r + pw - 1] = w > 1 ? extrapolate(z[r + pw - 2], z[r + pw - 3]) : z[r + pw - 2];
  }
  // Top and bottom rows from the columns just filled, corners included.
  for (let x = 0; x < pw; x++) {
    z[x] = h > 1 ? extrapolate(z[pw + x], z[2 * pw + x]) : z[pw + x];
    z[(ph - 1) * pw + x] = h > 1 ? extrapolate(z[(ph - 2) * pw + x], z[(ph - 3) * pw + x]) : z[(ph - 2) * pw + x];
  }
  return z;
}
