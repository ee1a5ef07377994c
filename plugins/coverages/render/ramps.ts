/**
 * Named colour ramps: stop lists at positions 0..1, spread over a style's min..max. The colours
 * are well-known anchor points of each ramp (matplotlib's perceptual ramps, ColorBrewer's
 * diverging and sequential schemes) sampled at even positions; between them the renderer
 * interpolates linearly in sRGB.
 */
export const rampNames = ['viridis', 'magma', 'inferno', 'plasma', 'greys', 'terrain', 'rdylgn', 'spectral', 'blues', 'ndvi'] as const;
export type RampName = (typeof rampNames)[number];

export interface NamedRamp {
  /** Colours at even positions from 0 (min) to 1 (max), unless `positions` says otherwise. */
  colors: string[];
  positions?: number[];
  /** The data range the ramp is designed for, used when a style gives no min/max. */
  domain?: [number, number];
  description: string;
}

export const namedRamps: Record<RampName, NamedRamp> = {
  viridis: {
    description: 'perceptually uniform, dark blue-purple to yellow',
    colors: ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#fde725'],
  },
  magma: {
    description: 'perceptually uniform, black to pale yellow through purple',
    colors: ['#000004', '#1c1044', '#4f127b', '#812581', '#b5367a', '#e55064', '#fb8761', '#fec287', '#fcfdbf'],
  },
  inferno: {
    description: 'perceptually uniform, black to pale yellow through red',
    colors: ['#000004', '#1f0c48', '#550f6d', '#88226a', '#ba3655', '#e35933', '#f98e09', '#f9cb35', '#fcffa4'],
  },
  plasma: {
    description: 'perceptually uniform, blue to yellow through magenta',
    colors: ['#0d0887', '#46039f', '#7201a8', '#9c179e', '#bd3786', '#d8576b', '#ed7953', '#fb9f3a', '#fdca26', '#f0f921'],
  },
  greys: { description: 'black (min) to white (max)', colors: ['#000000', '#ffffff'] },
  terrain: {
    description: 'hypsometric tints for land elevation: green lowlands, yellow and brown hills, white peaks',
    colors: ['#1a7a3e', '#5fae4f', '#c8d37f', '#e6c982', '#b48a5a', '#8c6d5c', '#ffffff'],
    positions: [0, 0.12, 0.3, 0.45, 0.65, 0.85, 1],
  },
  rdylgn: {
    description: 'diverging red - yellow - green',
    colors: ['#a50026', '#d73027', '#f46d43', '#fdae61', '#fee08b', '#ffffbf', '#d9ef8b', '#a6d96a', '#66bd63', '#1a9850', '#006837'],
  },
  spectral: {
    description: 'diverging red - yellow - blue',
    colors: ['#9e0142', '#d53e4f', '#f46d43', '#fdae61', '#fee08b', '#ffffbf', '#e6f598', '#abdda4', '#66c2a5', '#3288bd', '#5e4fa2'],
  },
  blues: {
    description: 'sequential white to dark blue',
    colors: ['#f7fbff', '#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'],
  },
  ndvi: {
    description: 'vegetation index from -1 to 1: blue water, beige bare soil, yellow to dark green vegetation',
    colors: ['#1d3f77', '#8fb3d9', '#d8c9a3', '#e8e26a', '#91c44a', '#3d9a35', '#11692a', '#004010'],
    positions: [0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    domain: [-1, 1],
  },
};

/** The ramp's stops as [position 0..1, colour], positions ascending. */
export function rampStops(name: RampName, reverse = false): Array<{ position: number; color: string }> {
  const ramp = namedRamps[name];
  const n = ramp.colors.length;
  const stops = ramp.colors.map((color, i) => ({ position: ramp.positions?.[i] ?? i / (n - 1), color }));
  if (!reverse) return stops;
  return stops.map((s) => ({ position: 1 - s.position, color: s.color })).reverse();
}
