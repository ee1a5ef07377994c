import { OwsException } from '../exceptions.js';
import { converterBetween } from './proj.js';
import { resolveCrs, type CrsDefinition, type CrsReference } from './registry.js';

/** Coordinates in x/y order: easting/longitude first, whatever the CRS's authority order. */
export type XyPoint = readonly [number, number];
/** [minx, miny, maxx, maxy] in x/y order. */
export type XyBbox = readonly [number, number, number, number];
export type CrsInput = string | CrsDefinition | CrsReference;

export interface TransformOptions {
  /** locator of the exception raised when the CRSs cannot be transformed ('crs' by default). */
  locator?: string;
}

function converter(from: CrsInput, to: CrsInput, options: TransformOptions) {
  const source = resolveCrs(from);
  const target = resolveCrs(to);
  try {
    return { converter: converterBetween(source, target), source, target };
  } catch (err) {
    throw new OwsException('InvalidParameterValue', `Cannot transform from ${source.id} to ${target.id}: ${(err as Error).message}`, {
      locator: options.locator ?? 'crs',
    });
  }
}

/**
 * Transforms points (x/y order in and out). A point outside the target projection's domain
 * comes back as [NaN, NaN] rather than an exception, so callers decide what it means.
 */
export function transformPoints(points: readonly XyPoint[], from: CrsInput, to: CrsInput, options: TransformOptions = {}): Array<[number, number]> {
  const { converter: c, source, target } = converter(from, to, options);
  if (source.id === target.id) return points.map(([x, y]) => [x, y]);
  return points.map(([x, y]) => {
    try {
      const [tx, ty] = c.forward([x, y]);
      return Number.isFinite(tx) && Number.isFinite(ty) ? [tx, ty] : [NaN, NaN];
    } catch {
      return [NaN, NaN];
    }
  });
}

export function transformPoint(point: XyPoint, from: CrsInput, to: CrsInput, options: TransformOptions = {}): [number, number] {
  return transformPoints([point], from, to, options)[0];
}

export interface BboxTransformOptions extends TransformOptions {
  /** Samples per side of the grid laid over the box (edges and inside); 21 by default. */
  densify?: number;
}

/**
 * Transforms a box by sampling a grid over it (edges and interior, so curved edges, poles and
 * the antimeridian are caught) and taking the extent of the points that transform. A box of
 * which no point transforms is an InvalidParameterValue.
 */
export function transformBbox(bbox: XyBbox, from: CrsInput, to: CrsInput, options: BboxTransformOptions = {}): [number, number, number, number] {
  const [minx, miny, maxx, maxy] = bbox;
  const n = Math.max(2, Math.floor(options.densify ?? 21));
  const samples: XyPoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = minx + ((maxx - minx) * i) / (n - 1);
    for (let j = 0; j < n; j++) samples.push([x, miny + ((maxy - miny) * j) / (n - 1)]);
  }
  let out: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of transformPoints(samples, from, to, options)) {
    if (Number.isNaN(x)) continue;
    out = [Math.min(out[0], x), Math.min(out[1], y), Math.max(out[2], x), Math.max(out[3], y)];
  }
  if (!Number.isFinite(out[0])) {
    throw new OwsException('InvalidParameterValue', `The bounding box lies outside the domain of ${resolveCrs(to).id}`, { locator: options.locator ?? 'bbox' });
  }
  return out;
}
