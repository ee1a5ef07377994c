/** renderRgba: a raster and a resolved style to straight-alpha RGBA pixels. */
import type { BufferPool } from '../buffer-pool.js';
import type { Raster } from '../types.js';
import { colorMapOf, type ColorMap } from './color-map.js';
import { renderHillshade } from './hillshade.js';
import { concreteRange, type CoverageStatistics } from './ranges.js';
import { renderRamp } from './render-ramp.js';
import { renderRgb } from './render-rgb.js';
import type { ResolvedColorRamp, ResolvedStyle } from './resolve-style.js';
import { outputWindow } from './window.js';

export interface RenderOptions {
  /** The coverage's statistics by coverage band index; needed when style.needsStatistics. */
  stats?: CoverageStatistics;
  /** Pixel width and height in metres (hillshade); the caller converts degrees of a geographic CRS. */
  pixelSize?: [number, number];
  /** Extra pixels the raster carries on every side, left out of the output (1 gives hillshade tiles real neighbours at their edges). Default 0. */
  margin?: number;
  /** The RGBA output views a buffer taken from this pool (the caller gives it back once encoded). */
  pool?: BufferPool;
}

/**
 * Renders `raster` (holding the bands style.bands names, in that order) to
 * (width - 2*margin) x (height - 2*margin) RGBA pixels, straight alpha; masked, nodata and NaN
 * pixels are transparent black.
 */
export function renderRgba(raster: Raster, style: ResolvedStyle, options: RenderOptions = {}): Uint8ClampedArray {
  if (raster.bands.length !== style.bands.length) {
    throw new Error(`style '${style.name}' renders ${style.bands.length} band(s); the raster has ${raster.bands.length}`);
  }
  const win = outputWindow(raster.width, raster.height, options.margin ?? 0);
  const size = win.width * win.height * 4;
  const out = options.pool ? new Uint8ClampedArray(options.pool.take(size), 0, size).fill(0) : new Uint8ClampedArray(size);
  const statsOf = (k: number) => options.stats?.[style.bands[k]];
  switch (style.type) {
    case 'rgb': {
      const ranges = style.ranges.map((range, k) => concreteRange(range, statsOf(k), style.name));
      renderRgb(raster, ranges, style.gamma, win, out);
      break;
    }
    case 'ramp':
      renderRamp(raster, raster.bands[0], colorMapFor(style.colorRamp, statsOf(0), style.name), win, out);
      break;
    case 'hillshade': {
      if (!options.pixelSize) throw new Error(`style '${style.name}' (hillshade) needs options.pixelSize in metres`);
      const colors = style.colorRamp ? colorMapFor(style.colorRamp, statsOf(0), style.name) : undefined;
      const params = { azimuth: style.azimuth, altitude: style.altitude, zFactor: style.zFactor, pixelSize: options.pixelSize };
      renderHillshade(raster, raster.bands[0], params, colors, win, out);
      break;
    }
  }
  return out;
}

export function colorMapFor(ramp: ResolvedColorRamp, stats: Parameters<typeof concreteRange>[1], styleName: string): ColorMap {
  const [min, max] = concreteRange(ramp.range, stats, styleName);
  return colorMapOf(ramp, min, max);
}
