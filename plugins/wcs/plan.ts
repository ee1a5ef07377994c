/**
 * GetCoverage as a read of the engine: which grid (CRS, size, geotransform), which bands, which
 * time and which resampling. Pure geometry, no pixels, so every rule is testable on its own.
 *
 * The evaluation follows WCS 2.0.1 core §8.4.2 with the CRS (11-053r1), scaling (12-039), range
 * subsetting (12-040) and interpolation (12-049) extensions:
 * 1. subsets are read in the subsetting CRS (default: the native one); each names an axis by
 *    its label or an alias of its role (axes.ts);
 * 2. without reprojection (output CRS = native) the result is the native pixels the subset
 *    touches, on the native grid: an exact window of the source;
 * 3. with another output CRS the subset (or the whole coverage) is transformed, intersected with
 *    the coverage's extent there, and gridded at the resolution that keeps the native pixel count
 *    along the diagonal (as gdalwarp suggests);
 * 4. scaling then changes the number of cells over the same extent;
 * 5. the result must fit the engine's limits, checked here before any pixel is read.
 */
import { lookupCrs, parseInstant, transformBbox, type CrsDefinition } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription, Grid, Resampling } from '../coverages/types.js';
import { crsAxes, crsDefinition, roleOfAxisName, type AxisRole } from './axes.js';
import { INTERPOLATION_BASE, INTERPOLATIONS, type InterpolationName } from './conformance.js';
import { wcsException, type WcsExceptionCode } from './exceptions.js';
import type { DimensionSubset, GetCoverageRequest, RangeItem, Scaling } from './requests.js';
import { OwsException } from '../../core/ows/index.js';

export interface PlanLimits {
  maxCells: number;
  maxWidth: number;
  maxHeight: number;
}

export interface CoveragePlan {
  target: Grid;
  outputCrs: CrsDefinition;
  /** 0-based band indexes in the order asked for; undefined for all bands. */
  bands?: number[];
  /** Number of bands in the result. */
  bandCount: number;
  time?: { begin: string; end: string };
  resampling: Resampling;
  /** True when the target is a window of the native grid (no warp). */
  nativeWindow: boolean;
}

/** A fraction of a pixel under which an edge counts as on a pixel boundary. */
const EDGE_EPSILON = 1e-6;

type SpatialSubset = { role: 'x' | 'y'; kind: 'trim' | 'slice'; low: number; high: number; axis: string };
type TimeSubset = { kind: 'trim' | 'slice'; begin?: Date; end?: Date; axis: string };

function fail(code: WcsExceptionCode, message: string, locator: string): never {
  throw wcsException(code, message, locator);
}

/** A CRS the request names, which must be offered (the native one always is). */
export function offeredCrs(identifier: string, offered: ReadonlySet<string>, native: CrsDefinition, code: 'SubsettingCrs-NotSupported' | 'OutputCrs-NotSupported', locator: string): CrsDefinition {
  const ref = lookupCrs(identifier);
  if (!ref) fail(code, `'${identifier}' is not a CRS identifier this service knows (use http://www.opengis.net/def/crs/EPSG/0/NNNN)`, locator);
  if (ref.crs.id !== native.id && !offered.has(ref.crs.id)) fail(code, `CRS '${identifier}' is not offered; see crsSupported in the capabilities`, locator);
  if (!ref.crs.proj4) fail(code, `CRS '${identifier}' (${ref.crs.name}) has no transformation available`, locator);
  return ref.crs;
}

function numberOf(text: string, subset: DimensionSubset): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) fail('InvalidSubsetting', `'${text}' is not a coordinate on axis ${subset.axis}`, 'subset');
  return n;
}

/** ANSI date numbers count days from 1601-01-01 (day 1); unix values are seconds since 1970. */
function timeOf(text: string, axis: string): { begin: Date; end: Date } {
  const key = axis.toLowerCase();
  if (/^[+-]?\d+(\.\d+)?$/.test(text.trim()) && (key === 'ansi' || key === 'unix')) {
    const n = Number(text);
    const ms = key === 'ansi' ? Date.UTC(1601, 0, 1) + (n - 1) * 86_400_000 : n * 1000;
    return { begin: new Date(ms), end: new Date(ms) };
  }
  const parsed = parseInstant(text);
  if (!parsed) fail('InvalidSubsetting', `'${text}' is not an ISO 8601 time on axis ${axis}`, 'subset');
  return { begin: parsed.begin, end: parsed.end };
}

interface ClassifiedSubsets {
  x?: SpatialSubset;
  y?: SpatialSubset;
  time?: TimeSubset;
  /** A CRS written inside a subset (WCS 2.0.0 `axis,crs(...)` form). */
  inlineCrs?: string;
}

function classify(subsets: readonly DimensionSubset[], hasTime: boolean, describe: string): ClassifiedSubsets {
  const out: ClassifiedSubsets = {};
  const written = new Map<AxisRole, string>();
  for (const s of subsets) {
    const role: AxisRole | undefined = roleOfAxisName(s.axis);
    if (!role) fail('InvalidAxisLabel', `'${s.axis}' is not an axis of ${describe}`, s.axis);
    if (role === 'time' && !hasTime) fail('InvalidAxisLabel', `${describe} has no time axis ('${s.axis}')`, s.axis);
    // The same subset twice is harmless (GDAL's WCS driver repeats the extra-axis subsets of its URL).
    const text = s.kind === 'slice' ? `slice ${s.point}` : `trim ${s.low ?? '*'} ${s.high ?? '*'}`;
    if (written.get(role) === text) continue;
    if (out[role]) fail('InvalidAxisLabel', `Axis '${s.axis}' is subset more than once`, s.axis);
    written.set(role, text);
    if (s.crs) {
      if (out.inlineCrs && out.inlineCrs !== s.crs) fail('InvalidSubsetting', 'The subsets name different CRSs', 'subset');
      out.inlineCrs = s.crs;
    }
    if (role === 'time') {
      if (s.kind === 'slice') {
        const t = timeOf(s.point, s.axis);
        out.time = { kind: 'slice', begin: t.begin, end: t.end, axis: s.axis };
      } else {
        const begin = s.low === undefined ? undefined : timeOf(s.low, s.axis).begin;
        const end = s.high === undefined ? undefined : timeOf(s.high, s.axis).end;
        if (begin && end && begin.getTime() > end.getTime()) fail('InvalidSubsetting', `The trim on ${s.axis} ends (${s.high}) before it begins (${s.low})`, 'subset');
        out.time = { kind: 'trim', begin, end, axis: s.axis };
      }
      continue;
    }
    if (s.kind === 'slice') {
      const v = numberOf(s.point, s);
      out[role] = { role, kind: 'slice', low: v, high: v, axis: s.axis };
    } else {
      const low = s.low === undefined ? -Infinity : numberOf(s.low, s);
      const high = s.high === undefined ? Infinity : numberOf(s.high, s);
      if (low > high) fail('InvalidSubsetting', `The trim on ${s.axis} has its low bound (${s.low}) above its high bound (${s.high})`, 'subset');
      out[role] = { role, kind: 'trim', low, high, axis: s.axis };
    }
  }
  return out;
}

function bboxIn(d: CoverageDescription, native: CrsDefinition, crs: CrsDefinition): Bbox {
  if (crs.id === native.id) return d.bbox;
  try {
    return transformBbox(d.bbox, native, crs, { locator: 'outputCrs' });
  } catch {
    fail('OutputCrs-NotSupported', `${d.id} has no extent in ${crs.id}`, 'outputCrs');
  }
}

/** The subset box in its CRS (x/y), open and missing sides taken from the coverage's extent there. */
function subsetBox(sub: ClassifiedSubsets, extent: Bbox, describe: string): Bbox {
  const box: Bbox = [...extent];
  for (const s of [sub.x, sub.y]) {
    if (!s) continue;
    const [lo, hi] = s.role === 'x' ? [0, 2] : [1, 3];
    const min = extent[lo]!;
    const max = extent[hi]!;
    if (s.high < min || s.low > max) {
      fail('InvalidSubsetting', `The ${s.kind} on ${s.axis} (${s.kind === 'slice' ? s.low : `${fmt(s.low)}, ${fmt(s.high)}`}) lies outside ${describe}'s extent ${min} to ${max}`, 'subset');
    }
    box[lo] = Math.max(min, s.low);
    box[hi] = Math.min(max, s.high);
  }
  return box;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(v) : '*';
}

/** The native pixels a box touches (edges within EDGE_EPSILON of a pixel boundary do not count). */
function nativeWindow(grid: Grid, box: Bbox, sub: ClassifiedSubsets, describe: string): Grid {
  const [t0, t1, , t3, , t5] = grid.transform;
  const span = (a: number, b: number, slice: boolean, size: number, locator: string): [number, number] => {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    let start = slice ? Math.floor(lo) : Math.floor(lo + EDGE_EPSILON);
    let end = slice ? start + 1 : Math.ceil(hi - EDGE_EPSILON);
    if (end <= start) end = start + 1;
    start = Math.max(0, start);
    end = Math.min(size, end);
    if (end <= start) fail('InvalidSubsetting', `The subset on ${locator} selects no cell of ${describe}`, 'subset');
    return [start, end];
  };
  const [c0, c1] = span((box[0] - t0) / t1, (box[2] - t0) / t1, sub.x?.kind === 'slice', grid.width, sub.x?.axis ?? 'x');
  const [r0, r1] = span((box[3] - t3) / t5, (box[1] - t3) / t5, sub.y?.kind === 'slice', grid.height, sub.y?.axis ?? 'y');
  return {
    crs: grid.crs,
    width: c1 - c0,
    height: r1 - r0,
    transform: [t0 + c0 * t1, t1, 0, t3 + r0 * t5, 0, t5],
  };
}

/** Pixel size in the output CRS that keeps the native pixel count along the diagonal (GDALSuggestedWarpOutput's rule). */
function suggestedResolution(native: Grid, extentOut: Bbox): number {
  const diagonal = Math.hypot(extentOut[2] - extentOut[0], extentOut[3] - extentOut[1]);
  return diagonal / Math.hypot(native.width, native.height);
}

function warpedGrid(crs: CrsDefinition, area: Bbox, resolution: number): Grid {
  let [minx, miny, maxx, maxy] = area;
  // A slice in another CRS is a line or a point: one cell wide around it.
  if (maxx - minx <= 0) [minx, maxx] = [minx - resolution / 2, minx + resolution / 2];
  if (maxy - miny <= 0) [miny, maxy] = [miny - resolution / 2, miny + resolution / 2];
  const width = Math.max(1, Math.round((maxx - minx) / resolution));
  const height = Math.max(1, Math.round((maxy - miny) / resolution));
  return { crs: crs.id, width, height, transform: [minx, (maxx - minx) / width, 0, maxy, 0, -(maxy - miny) / height] };
}

function scaled(grid: Grid, scaling: Scaling | undefined, locator: string): Grid {
  if (!scaling) return grid;
  let width = grid.width;
  let height = grid.height;
  const roleOf = (axis: string): 'x' | 'y' => {
    const role = roleOfAxisName(axis);
    if (role === 'x' || role === 'y') return role;
    fail('ScalingAxisUndefined', `'${axis}' is not a spatial axis of the coverage; only its two grid axes scale`, locator);
  };
  const seen = new Set<string>();
  const once = (axis: string) => {
    const role = roleOf(axis);
    if (seen.has(role)) throw new OwsException('InvalidParameterValue', `Axis '${axis}' is scaled twice`, { locator });
    seen.add(role);
    return role;
  };
  const bySize = (size: number) => Math.max(1, Math.floor(size + 1e-9));
  switch (scaling.kind) {
    case 'factor':
      width = bySize(grid.width / scaling.factor);
      height = bySize(grid.height / scaling.factor);
      break;
    case 'axes':
      for (const a of scaling.axes) {
        if (once(a.axis) === 'x') width = bySize(grid.width / a.factor);
        else height = bySize(grid.height / a.factor);
      }
      break;
    case 'size':
      for (const a of scaling.axes) {
        if (once(a.axis) === 'x') width = a.size;
        else height = a.size;
      }
      break;
    case 'extent':
      for (const a of scaling.axes) {
        if (once(a.axis) === 'x') width = a.high - a.low + 1;
        else height = a.high - a.low + 1;
      }
      break;
  }
  const [t0, t1, , t3, , t5] = grid.transform;
  return { crs: grid.crs, width, height, transform: [t0, (t1 * grid.width) / width, 0, t3, 0, (t5 * grid.height) / height] };
}

/** Band indexes of a RANGESUBSET: names (exact, then ignoring case), 1-based numbers, and start:end intervals. */
export function bandIndexes(items: readonly RangeItem[] | undefined, d: CoverageDescription): number[] | undefined {
  if (!items) return undefined;
  const indexOf = (name: string): number => {
    const exact = d.bands.findIndex((b) => b.name === name);
    if (exact !== -1) return exact;
    const loose = d.bands.findIndex((b) => b.name.toLowerCase() === name.toLowerCase());
    if (loose !== -1) return loose;
    if (/^\d+$/.test(name) && Number(name) >= 1 && Number(name) <= d.bands.length) return Number(name) - 1;
    fail('NoSuchField', `${d.id} has no field '${name}'; its fields are ${d.bands.map((b) => b.name).join(', ')}`, name);
  };
  const out: number[] = [];
  for (const item of items) {
    if (item.kind === 'component') {
      out.push(indexOf(item.name));
      continue;
    }
    const start = indexOf(item.start);
    const end = indexOf(item.end);
    if (end < start) fail('IllegalFieldSequence', `The interval ${item.start}:${item.end} runs backwards through the range type`, `${item.start}:${item.end}`);
    for (let i = start; i <= end; i++) out.push(i);
  }
  return out;
}

export function resamplingOf(interpolation: string | undefined): Resampling {
  if (interpolation === undefined) return 'nearest';
  const text = interpolation.trim();
  const name = text.startsWith(INTERPOLATION_BASE) ? text.slice(INTERPOLATION_BASE.length) : text.toLowerCase();
  const aliases: Record<string, InterpolationName> = { nearest: 'nearest-neighbor', 'nearest-neighbour': 'nearest-neighbor', bilinear: 'linear' };
  const key = (aliases[name] ?? name) as InterpolationName;
  if (!Object.prototype.hasOwnProperty.call(INTERPOLATIONS, key)) {
    fail('InterpolationMethodNotSupported', `Interpolation '${interpolation}' is not supported; supported: ${Object.keys(INTERPOLATIONS).map((n) => INTERPOLATION_BASE + n).join(', ')}`, 'interpolation');
  }
  return INTERPOLATIONS[key];
}

/** The time a series read is restricted to, checked against the instants the coverage has. */
function timeRange(d: CoverageDescription, t: TimeSubset | undefined): { begin: string; end: string } | undefined {
  if (!t) return undefined;
  const values = d.time?.values ?? [];
  const begin = t.begin ?? (values[0] ? new Date(values[0]) : new Date(-8.64e15));
  const end = t.end ?? (values.length ? new Date(values[values.length - 1]!) : new Date(8.64e15));
  const hit = values.some((v) => {
    const ms = Date.parse(v);
    return ms >= begin.getTime() && ms <= end.getTime();
  });
  if (values.length > 0 && !hit) {
    fail('InvalidSubsetting', `${d.id} has no data ${t.kind === 'slice' ? 'at' : 'between'} ${begin.toISOString()}${t.kind === 'slice' ? '' : ` and ${end.toISOString()}`} on axis ${t.axis}; its times run from ${values[0]} to ${values[values.length - 1]}`, 'subset');
  }
  return { begin: begin.toISOString(), end: end.toISOString() };
}

/** Whether a coverage advertises a time axis (a series: a temporal stack of granules). */
export function hasTimeAxis(d: CoverageDescription): boolean {
  return d.kind === 'series' && d.time !== undefined && d.time.values.length > 0;
}

export function planGetCoverage(req: GetCoverageRequest, d: CoverageDescription, offered: ReadonlySet<string>, limits: PlanLimits): CoveragePlan {
  const native = crsDefinition(d.grid.crs);
  const describe = `coverage ${d.id}`;
  // Granules carry their own time: a time subset on one is checked, not passed on.
  const sub = classify(req.subsets, hasTimeAxis(d) || d.time !== undefined, describe);
  const subsettingText = req.subsettingCrs ?? sub.inlineCrs;
  if (req.subsettingCrs && sub.inlineCrs && lookupCrs(req.subsettingCrs)?.crs.id !== lookupCrs(sub.inlineCrs)?.crs.id) {
    fail('InvalidSubsetting', 'SUBSETTINGCRS and the CRS written in a subset differ', 'subset');
  }
  const subCrs = subsettingText ? offeredCrs(subsettingText, offered, native, 'SubsettingCrs-NotSupported', 'subsettingCrs') : native;
  const outCrs = req.outputCrs ? offeredCrs(req.outputCrs, offered, native, 'OutputCrs-NotSupported', 'outputCrs') : subCrs;
  const spatial = sub.x !== undefined || sub.y !== undefined;

  let base: Grid;
  let exact: boolean;
  if (outCrs.id === native.id) {
    const box = spatial ? subsetBox(sub, bboxIn(d, native, subCrs), describe) : d.bbox;
    const nativeBox = subCrs.id === native.id || !spatial ? box : transformBbox(box, subCrs, native, { locator: 'subsettingCrs' });
    base = spatial ? nativeWindow(d.grid, nativeBox, subCrs.id === native.id ? sub : {}, describe) : { ...d.grid, transform: [...d.grid.transform] };
    exact = true;
  } else {
    const extentOut = bboxIn(d, native, outCrs);
    let area: Bbox = extentOut;
    if (spatial) {
      const box = subsetBox(sub, bboxIn(d, native, subCrs), describe);
      const inOut = subCrs.id === outCrs.id ? box : transformBbox(box, subCrs, outCrs, { locator: 'subsettingCrs' });
      area = [Math.max(inOut[0], extentOut[0]), Math.max(inOut[1], extentOut[1]), Math.min(inOut[2], extentOut[2]), Math.min(inOut[3], extentOut[3])];
      if (area[0] > area[2] || area[1] > area[3]) fail('InvalidSubsetting', `The subset lies outside ${describe}'s extent in ${outCrs.id}`, 'subset');
    }
    base = warpedGrid(outCrs, area, suggestedResolution(d.grid, extentOut));
    exact = false;
  }
  const scalingLocator = req.scalingLocator ?? 'scaling';
  const target = scaled(base, req.scaling, scalingLocator);
  const bands = bandIndexes(req.rangeSubset, d);
  const bandCount = bands?.length ?? d.bands.length;
  const sizeLocator = req.scaling ? scalingLocator : spatial ? 'subset' : 'coverageId';
  const cells = target.width * target.height * bandCount;
  if (cells > limits.maxCells || target.width > limits.maxWidth || target.height > limits.maxHeight) {
    throw new OwsException(
      'InvalidParameterValue',
      `The result would be ${target.width} x ${target.height} cells x ${bandCount} bands (${cells} cells); this service returns at most ${limits.maxCells} cells and ${limits.maxWidth} x ${limits.maxHeight}. Ask for a smaller subset, fewer bands or a scaled-down result (SCALESIZE, SCALEFACTOR).`,
      { locator: sizeLocator, status: 400 },
    );
  }
  return {
    target,
    outputCrs: outCrs,
    bands,
    bandCount,
    time: hasTimeAxis(d) ? timeRange(d, sub.time) : checkGranuleTime(d, sub.time),
    resampling: resamplingOf(req.interpolation),
    nativeWindow: exact && req.scaling === undefined,
  };
}

/** A granule's own time must meet the requested one; nothing is passed on. */
function checkGranuleTime(d: CoverageDescription, t: TimeSubset | undefined): undefined {
  if (!t || !d.time) return undefined;
  timeRange(d, t);
  return undefined;
}

/** The axis labels of the result, in its CRS's order (for GML output). */
export function outputAxes(plan: CoveragePlan) {
  return crsAxes(plan.outputCrs);
}
