/**
 * Axis labels of a coverage as WCS advertises them and reads them back. Labels follow the CRS's
 * authority axis order (EPSG:4326 is Lat, Long; UTM is E, N); a coverage with a time dimension
 * (a series) has a third axis, `time`. Requests may name an axis by its label or by a common
 * alias of its role (Lat/lat/y/N/j for northing, Long/lon/x/E/i for easting, time/phenomenonTime/
 * ansi/t for time), because clients spell them differently (GDAL uses the advertised labels,
 * EO-WCS fixes lat/long/phenomenonTime, GeoServer-style clients send the OGC grid axes i/j).
 */
import { crsUri, lookupCrs, type CrsDefinition } from '../../core/ows/index.js';

export type AxisRole = 'x' | 'y' | 'time';

export interface AxisInfo {
  label: string;
  role: AxisRole;
  uom: string;
}

export interface CrsAxes {
  crs: CrsDefinition;
  /** The CRS's two axes in its authority order. */
  axes: [AxisInfo, AxisInfo];
  /** srsName: the OGC http URI. */
  uri: string;
}

const ALIASES: Record<AxisRole, readonly string[]> = {
  x: ['long', 'lon', 'longitude', 'e', 'easting', 'x', 'i'],
  y: ['lat', 'latitude', 'n', 'northing', 'y', 'j'],
  time: ['time', 't', 'phenomenontime', 'ansi', 'unix', 'date', 'datetime'],
};

const AXIS_URI_PREFIX = /^https?:\/\/www\.opengis\.net\/def\/axis\/OGC\/[^/]+\//i;

function uomOf(crs: CrsDefinition): string {
  const unit = (crs.unit ?? '').toLowerCase();
  if (crs.kind === 'geographic' || crs.kind === 'geographic-3d' || unit.startsWith('degree')) return 'deg';
  if (unit === 'metre' || unit === 'meter' || unit === '') return 'm';
  if (unit.includes('us survey foot')) return '[ft_us]';
  if (unit.includes('foot')) return '[ft_i]';
  return unit.replace(/\s+/g, '_');
}

/** The definition behind a CRS id; throws only for ids the engine handed out that the registry lacks. */
export function crsDefinition(id: string): CrsDefinition {
  const ref = lookupCrs(id);
  if (!ref) throw new Error(`The CRS registry does not know '${id}'`);
  return ref.crs;
}

export function crsAxes(crs: CrsDefinition): CrsAxes {
  const uom = uomOf(crs);
  const geographic = uom === 'deg';
  const x: AxisInfo = { label: geographic ? 'Long' : 'E', role: 'x', uom };
  const y: AxisInfo = { label: geographic ? 'Lat' : 'N', role: 'y', uom };
  return { crs, axes: crs.northFirst ? [y, x] : [x, y], uri: crsUri(crs.authority, crs.code) };
}

export const TIME_AXIS: AxisInfo = { label: 'time', role: 'time', uom: 's' };

/** The role an axis name stands for, or undefined when it names none. */
export function roleOfAxisName(name: string): AxisRole | undefined {
  const key = name.trim().replace(AXIS_URI_PREFIX, '').toLowerCase();
  for (const role of ['x', 'y', 'time'] as const) if (ALIASES[role].includes(key)) return role;
  return undefined;
}

/** Coordinates given in a CRS's axis order → x/y order, and back (the same swap). */
export function toXy(crs: CrsDefinition, a: number, b: number): [number, number] {
  return crs.northFirst ? [b, a] : [a, b];
}
export const fromXy = toXy;
