/**
 * Interpolation names of WCS 1.0 (supportedInterpolations: "nearest neighbor", "bilinear",
 * "bicubic") and WCS 1.1 (ISO 19123 names of the 1.1 dictionary: "nearest", "linear", "cubic",
 * also as urn:ogc:def:interpolation:OGC:1.0:NAME), mapped onto the engine's resampling. Both
 * versions read both spellings and MapServer's NEAREST_NEIGHBOUR / BILINEAR.
 */
import type { Resampling } from '../../coverages/types.js';

export const INTERPOLATIONS_10 = ['nearest neighbor', 'bilinear', 'bicubic'] as const;
export const INTERPOLATIONS_11 = ['nearest', 'linear', 'cubic'] as const;

const NAMES: Record<string, Resampling> = {
  'nearest neighbor': 'nearest',
  'nearest neighbour': 'nearest',
  nearest_neighbour: 'nearest',
  nearest_neighbor: 'nearest',
  'nearest-neighbor': 'nearest',
  nearest: 'nearest',
  bilinear: 'bilinear',
  linear: 'bilinear',
  bicubic: 'cubic',
  cubic: 'cubic',
};

/** The engine resampling an interpolation name means, or undefined when it is not one served. */
export function resamplingOf(name: string): Resampling | undefined {
  const key = name.trim().toLowerCase().replace(/^urn:ogc:def:interpolation:ogc:[^:]*:/, '');
  return NAMES[key];
}
