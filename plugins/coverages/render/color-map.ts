/**
 * A colour ramp with its range fixed: a function from data values to RGBA, and lookup tables
 * of it. Relative stops (named ramps, moved custom stops) are evaluated on
 * t = (v - min) / (max - min), so min > max inverts them; absolute stops on the value itself.
 */
import type { ResolvedColorRamp } from './resolve-style.js';

export interface ColorMap {
  mode: 'linear' | 'discrete';
  /** x = (v - offset) * scale is where a value falls among the stops. */
  offset: number;
  scale: number;
  /** Stop positions in x, ascending (for discrete: each class's lower threshold). */
  at: Float64Array;
  /** RGBA of each stop, 4 bytes each. */
  colors: Uint8Array;
}

export function colorMapOf(ramp: ResolvedColorRamp, min: number, max: number): ColorMap {
  const n = ramp.stops.length;
  const at = new Float64Array(n);
  const colors = new Uint8Array(n * 4);
  ramp.stops.forEach((s, i) => {
    at[i] = ramp.equalClasses ? i / n : s.at;
    colors.set(s.rgba, i * 4);
  });
  if (ramp.scale === 'absolute') return { mode: ramp.mode, offset: 0, scale: 1, at, colors };
  const span = max - min;
  // A zero span makes a step at min: values above it take the ramp's end colour.
  return { mode: ramp.mode, offset: min, scale: span === 0 ? Infinity : 1 / span, at, colors };
}

/** The class of value v in a discrete map: the last stop at or below it (the first for values below all). */
export function classOf(map: ColorMap, v: number): number {
  const x = positionOf(map, v);
  const at = map.at;
  let i = at.length - 1;
  while (i > 0 && at[i] > x) i--;
  return i;
}

/** Writes the colour of value v into out[o..o+3]. */
export function colorAt(map: ColorMap, v: number, out: Uint8Array | Uint8ClampedArray, o: number): void {
  const x = positionOf(map, v);
  const { at, colors } = map;
  const last = at.length - 1;
  if (map.mode === 'discrete') return copyColor(colors, classOf(map, v), out, o);
  if (!(x > at[0])) return copyColor(colors, 0, out, o);
  if (x >= at[last]) return copyColor(colors, last, out, o);
  let i = 0;
  while (at[i + 1] <= x) i++;
  const f = (x - at[i]) / (at[i + 1] - at[i]);
  const a = i * 4;
  const b = a + 4;
  for (let k = 0; k < 4; k++) out[o + k] = Math.round(colors[a + k] + f * (colors[b + k] - colors[a + k]));
}

/** Where v falls among the stops (x); a zero-span range is a step at its value. */
export function positionOf(map: ColorMap, v: number): number {
  if (map.scale === Infinity) return v > map.offset ? Infinity : v < map.offset ? -Infinity : 0;
  return (v - map.offset) * map.scale;
}

function copyColor(colors: Uint8Array, i: number, out: Uint8Array | Uint8ClampedArray, o: number): void {
  const a = i * 4;
  out[o] = colors[a];
  out[o + 1] = colors[a + 1];
  out[o + 2] = colors[a + 2];
  out[o + 3] = colors[a + 3];
}

/** Colours of the 256 values from `first` (0 for uint8, -128 for int8), as RGBA words. */
export function byteLookup(map: ColorMap, first: number): Uint32Array {
  const bytes = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) colorAt(map, first + i, bytes, i * 4);
  return new Uint32Array(bytes.buffer);
}

/** Entries of the linear lookup table used for data that is not 8-bit. */
export const linearLookupSize = 1024;

/**
 * A linear ramp sampled at 1024 points between its first and last stop, and the map from a value
 * to its entry: index = round((v - v0) * k), clamped to the table. The sampling error is 1/2046
 * of the ramp, below one 8-bit colour level for any ramp.
 */
export function linearLookup(map: ColorMap): { table: Uint32Array; v0: number; k: number } {
  const { at } = map;
  const lo = at[0];
  const hi = at[at.length - 1];
  const steps = linearLookupSize - 1;
  const bytes = new Uint8Array(linearLookupSize * 4);
  const xSpan = hi - lo;
  // Sampled at positions x directly (a zero-span range has no value for each position).
  const positional: ColorMap = { ...map, offset: 0, scale: 1 };
  for (let i = 0; i < linearLookupSize; i++) colorAt(positional, xSpan === 0 ? lo : lo + (i / steps) * xSpan, bytes, i * 4);
  const table = new Uint32Array(bytes.buffer);
  if (xSpan === 0) return { table, v0: 0, k: 0 };
  if (map.scale === Infinity) return { table, v0: map.offset, k: Infinity };
  return { table, v0: lo / map.scale + map.offset, k: (map.scale * steps) / xSpan };
}

/** The table entry of value v (the caller has checked v is a number). */
export function lookupIndex(v: number, v0: number, k: number): number {
  const i = (v - v0) * k;
  if (!(i > 0)) return 0;
  if (i >= linearLookupSize - 1) return linearLookupSize - 1;
  return (i + 0.5) | 0;
}

