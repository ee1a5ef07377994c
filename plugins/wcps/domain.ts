/**
 * Domains of WCPS coverage values. Cells are stored row-major in `axes` order, outermost first:
 * a coverage of the engine is [time][y][x] (time only for a series), so its rows are the
 * engine's rows. Axis indices are grid coordinates (CRS:1): x and y count the cells of `grid`,
 * time counts the instants of `times`. A sliced axis leaves `axes` but keeps its index (xAt...),
 * so reads and georeferencing still know where the cells are.
 */
import { lookupCrs } from '../../core/ows/index.js';
import type { CoverageDescription, Grid } from '../coverages/types.js';

export type AxisRole = 'x' | 'y' | 't' | 'i';

export interface Axis {
  label: string;
  role: AxisRole;
  lo: number;
  hi: number;
}

export interface Domain {
  axes: Axis[];
  grid?: Grid;
  xLabel?: string;
  yLabel?: string;
  xAt?: number;
  yAt?: number;
  times?: string[];
  tAt?: number;
}

export const TIME_LABEL = 'ansi';

const ALIASES: Record<'x' | 'y' | 't', readonly string[]> = {
  x: ['long', 'lon', 'longitude', 'e', 'easting', 'x', 'i'],
  y: ['lat', 'latitude', 'n', 'northing', 'y', 'j'],
  t: ['ansi', 'time', 't', 'date', 'datetime', 'unix', 'phenomenontime'],
};

export function spatialLabels(crs: string): { x: string; y: string } {
  const kind = lookupCrs(crs)?.crs.kind;
  return kind === 'geographic' || kind === 'geographic-3d' ? { x: 'Long', y: 'Lat' } : { x: 'E', y: 'N' };
}

/** The WCPS domain of an engine coverage: its full native grid, and its instants for a series. */
export function coverageDomain(d: CoverageDescription): Domain {
  const labels = spatialLabels(d.grid.crs);
  const axes: Axis[] = [];
  const series = d.kind === 'series' && d.time !== undefined && d.time.values.length > 0;
  if (series) axes.push({ label: TIME_LABEL, role: 't', lo: 0, hi: d.time!.values.length - 1 });
  axes.push({ label: labels.y, role: 'y', lo: 0, hi: d.grid.height - 1 });
  axes.push({ label: labels.x, role: 'x', lo: 0, hi: d.grid.width - 1 });
  return { axes, grid: d.grid, xLabel: labels.x, yLabel: labels.y, times: series ? d.time!.values : undefined };
}

export const axisSize = (a: Axis): number => a.hi - a.lo + 1;

export function cellCount(d: Domain): number {
  return d.axes.reduce((n, a) => n * axisSize(a), 1);
}

/** Cells of one step along the outermost axis. */
export function innerCount(d: Domain): number {
  return d.axes.slice(1).reduce((n, a) => n * axisSize(a), 1);
}

export function outerCount(d: Domain): number {
  return d.axes.length === 0 ? 1 : axisSize(d.axes[0]!);
}

/** The position in `axes` of the axis a label names (its own label, or an alias of its role), or -1. */
export function findAxis(d: Domain, label: string): number {
  const key = label.trim().toLowerCase();
  const exact = d.axes.findIndex((a) => a.label.toLowerCase() === key);
  if (exact !== -1) return exact;
  for (const role of ['x', 'y', 't'] as const) {
    if (ALIASES[role].includes(key)) return d.axes.findIndex((a) => a.role === role);
  }
  return -1;
}

/** The role a label stands for in a CRS's terms (Lat → y), for labels written with another CRS. */
export function roleOfLabel(label: string): 'x' | 'y' | 't' | undefined {
  const key = label.trim().toLowerCase();
  for (const role of ['x', 'y', 't'] as const) if (ALIASES[role].includes(key)) return role;
  return undefined;
}

export function sameShape(a: Domain, b: Domain): boolean {
  return a.axes.length === b.axes.length && a.axes.every((x, i) => axisSize(x) === axisSize(b.axes[i]!));
}

export function describeDomain(d: Domain): string {
  return d.axes.length === 0 ? 'a single cell' : d.axes.map((a) => `${a.label}(${a.lo}:${a.hi})`).join(', ');
}

/** The geotransform of cells [x0.., y0..] of a grid. */
export function windowGrid(grid: Grid, x0: number, y0: number, width: number, height: number): Grid {
  const t = grid.transform;
  return { crs: grid.crs, width, height, transform: [t[0] + x0 * t[1] + y0 * t[2], t[1], t[2], t[3] + x0 * t[4] + y0 * t[5], t[4], t[5]] };
}

/** x and y index ranges of a domain (a sliced one is a range of one). */
export function spatialRanges(d: Domain): { x: [number, number]; y: [number, number] } | undefined {
  if (!d.grid) return undefined;
  const ax = d.axes.find((a) => a.role === 'x');
  const ay = d.axes.find((a) => a.role === 'y');
  const x: [number, number] = ax ? [ax.lo, ax.hi] : [d.xAt!, d.xAt!];
  const y: [number, number] = ay ? [ay.lo, ay.hi] : [d.yAt!, d.yAt!];
  return { x, y };
}

/** A selection on one axis of a domain: a trim to [lo, hi] or a slice at `at` (grid indices, possibly outside for extend). */
export type AxisSelection = { lo: number; hi: number } | { at: number } | undefined;

/** The domain a selection leaves. */
export function restrictDomain(d: Domain, sel: readonly AxisSelection[]): Domain {
  const out: Domain = { ...d, axes: [] };
  d.axes.forEach((a, i) => {
    const s = sel[i];
    if (!s) out.axes.push({ ...a });
    else if ('lo' in s) out.axes.push({ ...a, lo: s.lo, hi: s.hi });
    else if (a.role === 'x') out.xAt = s.at;
    else if (a.role === 'y') out.yAt = s.at;
    else if (a.role === 't') out.tAt = s.at;
  });
  return out;
}
