/**
 * The scale denominator of a map, as SLD and WMS 1.3.0 (§7.2.4.6.9) define it: the size of a
 * pixel on the ground over the "standardized rendering pixel" of 0.28 mm. A degree is the
 * equatorial degree of WGS 84 (111,319.49 m), as GeoServer and MapServer take it.
 */
import type { CrsDefinition } from '../../../core/ows/index.js';

const STANDARD_PIXEL_METRES = 0.00028;
const METRES_PER_DEGREE = (2 * Math.PI * 6378137) / 360;

const UNIT_METRES: Record<string, number> = {
  metre: 1,
  meter: 1,
  kilometre: 1000,
  foot: 0.3048,
  'US survey foot': 1200 / 3937,
  degree: METRES_PER_DEGREE,
};

export function metresPerUnit(crs: CrsDefinition): number {
  if (crs.unit && UNIT_METRES[crs.unit] !== undefined) return UNIT_METRES[crs.unit]!;
  return crs.kind === 'geographic' || crs.kind === 'geographic-3d' ? METRES_PER_DEGREE : 1;
}

/** The scale denominator of a map `width` pixels wide showing `span` units of `crs` across. */
export function scaleDenominator(crs: CrsDefinition, span: number, width: number): number {
  return ((span / width) * metresPerUnit(crs)) / STANDARD_PIXEL_METRES;
}
