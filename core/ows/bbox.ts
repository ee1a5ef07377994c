import { needsAxisSwap, type AxisOrderContext } from './crs/axis.js';
import { lookupCrs, type CrsReference } from './crs/registry.js';
import { invalidParameterValue, OwsException } from './exceptions.js';

export interface ParsedBbox {
  /** The four numbers as written, in the protocol's axis order. */
  written: [number, number, number, number];
  /** The same box in x/y order (easting/longitude first): [minx, miny, maxx, maxy]. */
  xy: [number, number, number, number];
  /** The CRS given as fifth value, else the default; undefined when neither. */
  crs?: CrsReference;
}

export interface ParseBboxOptions {
  /** How the protocol orders axes: WMS 1.3.0 'authority', WMS 1.1.1 'xy', WFS 'by-identifier'. */
  axisOrder: AxisOrderContext;
  /** locator of exceptions; 'BBOX' by default. */
  locator?: string;
  /** The CRS when the value names none (the WMS CRS/SRS parameter, a layer's native CRS). */
  defaultCrs?: string | CrsReference;
  /** Whether a fifth value may name the CRS (WFS, WCS, OGC API bbox); true by default. */
  allowCrs?: boolean;
  /** Require min < max, not just min <= max (WMS 1.3.0 §7.3.3.6 refuses empty boxes). */
  strict?: boolean;
  /** For geographic CRSs, accept minimum longitude > maximum longitude: a box across the antimeridian (OGC API). */
  allowAntimeridian?: boolean;
  /** exceptionCode for an unknown CRS; 'InvalidParameterValue' by default (WMS: 'InvalidCRS'). */
  crsExceptionCode?: string;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses `minx,miny,maxx,maxy[,crs]` (a string or the items of an already split KVP list). The
 * numbers are in the protocol's order for that CRS (lat/lon for EPSG:4326 in WMS 1.3.0), and
 * min/max are checked per axis as written.
 */
export function parseBbox(value: string | readonly string[], options: ParseBboxOptions): ParsedBbox {
  const locator = options.locator ?? 'BBOX';
  const items = (typeof value === 'string' ? value.split(',') : [...value]).map((s) => s.trim());
  const allowCrs = options.allowCrs ?? true;
  if (items.length !== 4 && !(allowCrs && items.length === 5)) {
    throw invalidParameterValue(locator, `${locator} must have 4 numbers${allowCrs ? ' and optionally a CRS' : ''}: minx,miny,maxx,maxy; got ${items.length} values`);
  }
  const numbers = items.slice(0, 4).map((item) => {
    if (!NUMBER.test(item) || !Number.isFinite(Number(item))) throw invalidParameterValue(locator, `${locator} value '${item}' is not a number`);
    return Number(item);
  }) as [number, number, number, number];

  const crs = resolveBboxCrs(items[4], options, locator);
  const swap = crs !== undefined && needsAxisSwap(crs, options.axisOrder);
  const crossesAntimeridian = (index: 0 | 1) =>
    options.allowAntimeridian === true && crs !== undefined && crs.crs.kind.startsWith('geographic') && index === (swap ? 1 : 0);
  for (const axis of [0, 1] as const) {
    const min = numbers[axis];
    const max = numbers[axis + 2];
    const bad = options.strict ? min >= max : min > max;
    if (bad && !crossesAntimeridian(axis)) {
      throw invalidParameterValue(locator, `${locator} minimum ${min} must be ${options.strict ? 'less than' : 'at most'} maximum ${max} on axis ${axis + 1}`);
    }
  }
  const xy: [number, number, number, number] = swap ? [numbers[1], numbers[0], numbers[3], numbers[2]] : [...numbers];
  return { written: numbers, xy, crs };
}

function resolveBboxCrs(fifth: string | undefined, options: ParseBboxOptions, locator: string): CrsReference | undefined {
  const given = fifth ?? options.defaultCrs;
  if (given === undefined) return undefined;
  if (typeof given !== 'string') return given;
  const ref = lookupCrs(given);
  if (!ref) {
    throw new OwsException(options.crsExceptionCode ?? 'InvalidParameterValue', `Unknown CRS '${given}' in ${fifth !== undefined ? locator : 'the request'}`, {
      locator: fifth !== undefined ? locator : 'crs',
    });
  }
  return ref;
}
