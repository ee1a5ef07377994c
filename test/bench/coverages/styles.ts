// How both servers draw the two layers, written once and given to each in its own terms: the RGB
// image as its three bands unchanged, the DEM through a hypsometric colour ramp (green lowlands
// to white peaks) interpolated linearly between stops spread over its height range.
import type { BenchData } from './data.js';

const TERRAIN = [
  { at: 0, color: '#1a7a3e' },
  { at: 0.12, color: '#5fae4f' },
  { at: 0.3, color: '#c8d37f' },
  { at: 0.45, color: '#e6c982' },
  { at: 0.65, color: '#b48a5a' },
  { at: 0.85, color: '#8c6d5c' },
  { at: 1, color: '#ffffff' },
];

export interface Stop {
  value: number;
  color: string;
}

export function demStops(data: BenchData): Stop[] {
  const [min, max] = data.demRange;
  return TERRAIN.map((s) => ({ value: Math.round((min + s.at * (max - min)) * 1000) / 1000, color: s.color }));
}

/** Meridian's `plugins.coverages.coverages[].styles` for each layer. */
export function meridianStyles(data: BenchData): { rgb: unknown[]; dem: unknown[] } {
  return {
    rgb: [{ name: 'natural', type: 'rgb', bands: [1, 2, 3] }],
    dem: [{ name: 'terrain', type: 'ramp', band: 1, mode: 'linear', stops: demStops(data) }],
  };
}

const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(' ');

/**
 * The same ramp as MapServer classes: one per pair of stops, each a COLORRANGE over its DATARANGE
 * (mapserv interpolates within a class); values outside the range take the end colours.
 */
export function mapserverDemClasses(data: BenchData): string {
  const stops = demStops(data);
  const classes: string[] = [];
  const cls = (expression: string, style: string) => `    CLASS\n      EXPRESSION (${expression})\n      STYLE\n        ${style}\n      END\n    END`;
  classes.push(cls(`[pixel] < ${stops[0]!.value}`, `COLOR ${rgbOf(stops[0]!.color)}`));
  for (let i = 0; i + 1 < stops.length; i++) {
    const a = stops[i]!;
    const b = stops[i + 1]!;
    classes.push(cls(`[pixel] >= ${a.value} AND [pixel] < ${b.value}`, `COLORRANGE ${rgbOf(a.color)} ${rgbOf(b.color)}\n        DATARANGE ${a.value} ${b.value}`));
  }
  const last = stops[stops.length - 1]!;
  classes.push(cls(`[pixel] >= ${last.value}`, `COLOR ${rgbOf(last.color)}`));
  return classes.join('\n');
}
