/**
 * A style config checked against a coverage's bands and turned into what the renderer needs:
 * band indexes to read, colours parsed, ranges known so far. The result is plain data (it can be
 * sent to a worker thread) and is computed once per coverage and style, not per request.
 */
import { CoverageError } from '../errors.js';
import type { BandDescription, SampleType } from '../types.js';
import { parseHexColor, type Rgba } from './colors.js';
import { namedRamps, rampStops, type RampName } from './ramps.js';
import type { BandRef, BandStretch, ColorRampConfig, StyleConfig, StyleType } from './style-config.js';

/**
 * Where a stretch starts and ends. A side left undefined is taken from the coverage's statistics
 * at render time: the `percentile` when given, else the statistics' min or max.
 */
export interface ResolvedRange {
  min?: number;
  max?: number;
  percentile?: [number, number];
}

export interface ResolvedStop {
  /** A position 0..1 over the range (named ramps) or a data value (custom stops). */
  at: number;
  rgba: Rgba;
}

export interface ResolvedColorRamp {
  /** 'relative': stops at positions 0..1 spread over `range`; 'absolute': stops at data values. */
  scale: 'relative' | 'absolute';
  /** The named ramp, when the config names one. */
  ramp?: RampName;
  mode: 'linear' | 'discrete';
  /** Discrete named ramps: n equal classes over the range, one a colour (else the stops are the thresholds). */
  equalClasses: boolean;
  /** Ascending by `at`. */
  stops: ResolvedStop[];
  range: ResolvedRange;
}

interface ResolvedStyleBase {
  name: string;
  title: string;
  abstract?: string;
  type: StyleType;
  /** Coverage band indexes (0-based) to read, in the order renderRgba expects the raster's bands. */
  bands: number[];
  /** The names of those bands (legend labels). */
  bandNames: string[];
  /** Sample types of those bands as the coverage describes them. */
  sampleTypes: SampleType[];
  /** True when rendering needs the coverage's statistics (a percentile, or a range nothing else gives). */
  needsStatistics: boolean;
}

export interface ResolvedRgbStyle extends ResolvedStyleBase {
  type: 'rgb';
  ranges: [ResolvedRange, ResolvedRange, ResolvedRange];
  gamma: number;
}

export interface ResolvedRampStyle extends ResolvedStyleBase {
  type: 'ramp';
  colorRamp: ResolvedColorRamp;
}

export interface ResolvedHillshadeStyle extends ResolvedStyleBase {
  type: 'hillshade';
  azimuth: number;
  altitude: number;
  zFactor: number;
  /** Colour-shaded relief when the config names a ramp or stops; grey shading otherwise. */
  colorRamp?: ResolvedColorRamp;
}

export type ResolvedStyle = ResolvedRgbStyle | ResolvedRampStyle | ResolvedHillshadeStyle;

/** Throws CoverageError('NoSuchBand') when the style names a band the coverage lacks. */
export function resolveStyle(config: StyleConfig, bands: BandDescription[]): ResolvedStyle {
  const base = { name: config.name, title: config.title ?? config.name, abstract: config.abstract };
  switch (config.type) {
    case 'rgb': {
      const indexes = config.bands.map((ref) => findBand(ref, bands, config.name));
      const stretches = perBandStretch(config.stretch);
      const ranges = indexes.map((b, i) => rangeOf(stretches[i], bands[b])) as [ResolvedRange, ResolvedRange, ResolvedRange];
      return {
        ...base,
        type: 'rgb',
        ...bandFields(indexes, bands),
        needsStatistics: ranges.some(needsStatistics),
        ranges,
        gamma: config.gamma ?? 1,
      };
    }
    case 'ramp': {
      const index = findBand(config.band, bands, config.name);
      const colorRamp = resolveColorRamp(config, bands[index], 'greys');
      return { ...base, type: 'ramp', ...bandFields([index], bands), needsStatistics: needsStatistics(colorRamp.range), colorRamp };
    }
    case 'hillshade': {
      const index = findBand(config.band, bands, config.name);
      const colored = config.ramp !== undefined || config.stops !== undefined;
      const colorRamp = colored ? resolveColorRamp(config, bands[index], 'greys') : undefined;
      return {
        ...base,
        type: 'hillshade',
        ...bandFields([index], bands),
        needsStatistics: colorRamp ? needsStatistics(colorRamp.range) : false,
        azimuth: config.azimuth ?? 315,
        altitude: config.altitude ?? 45,
        zFactor: config.zFactor ?? 1,
        colorRamp,
      };
    }
  }
}

/** A band reference to its 0-based index: a 1-based number, an exact name, or a name in another case if only one matches. */
export function findBand(ref: BandRef, bands: BandDescription[], styleName: string): number {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 1 && ref <= bands.length) return ref - 1;
  } else {
    const exact = bands.findIndex((b) => b.name === ref);
    if (exact >= 0) return exact;
    const lower = ref.toLowerCase();
    const loose = bands.flatMap((b, i) => (b.name.toLowerCase() === lower ? [i] : []));
    if (loose.length === 1) return loose[0];
  }
  const names = bands.map((b, i) => `${i + 1}:${b.name}`).join(', ');
  throw new CoverageError('NoSuchBand', `style '${styleName}' names band ${JSON.stringify(ref)}, which the coverage does not have (its bands: ${names})`);
}

function bandFields(indexes: number[], bands: BandDescription[]): Pick<ResolvedStyleBase, 'bands' | 'bandNames' | 'sampleTypes'> {
  return { bands: indexes, bandNames: indexes.map((i) => bands[i].name), sampleTypes: indexes.map((i) => bands[i].sampleType) };
}

function perBandStretch(stretch: BandStretch | BandStretch[] | undefined): Array<BandStretch | undefined> {
  if (Array.isArray(stretch)) return stretch;
  return [stretch, stretch, stretch];
}

function rangeOf(stretch: BandStretch | undefined, band: BandDescription): ResolvedRange {
  if (stretch && 'percentile' in stretch) return { percentile: [stretch.percentile[0], stretch.percentile[1]] };
  if (stretch) return { min: stretch.min, max: stretch.max };
  return knownRange(band);
}

function resolveColorRamp(config: ColorRampConfig, band: BandDescription, fallback: RampName): ResolvedColorRamp {
  const mode = config.mode ?? 'linear';
  const moved = config.min !== undefined || config.max !== undefined || config.percentile !== undefined;
  if (config.stops) {
    const sorted = [...config.stops].sort((a, b) => a.value - b.value);
    const colors = sorted.map((s) => parseHexColor(s.color));
    if (config.reverse) colors.reverse();
    const first = sorted[0].value;
    const span = sorted[sorted.length - 1].value - first;
    if (!moved) {
      const stops = sorted.map((s, i) => ({ at: s.value, rgba: colors[i] }));
      return { scale: 'absolute', mode, equalClasses: false, stops, range: { min: first, max: first + span } };
    }
    // min/max/percentile move the stops: the first to min, the last to max, the others in proportion.
    const stops = sorted.map((s, i) => ({ at: span === 0 ? 0 : (s.value - first) / span, rgba: colors[i] }));
    return { scale: 'relative', mode, equalClasses: false, stops, range: rangeFor(config, band, undefined) };
  }
  const ramp = config.ramp ?? fallback;
  const stops = rampStops(ramp, config.reverse ?? false).map((s) => ({ at: s.position, rgba: parseHexColor(s.color) }));
  return { scale: 'relative', ramp, mode, equalClasses: mode === 'discrete', stops, range: rangeFor(config, band, namedRamps[ramp].domain) };
}

/** Each side: explicit, else the percentile, else the ramp's own domain, else the band's known range, else (undefined) statistics. */
function rangeFor(config: ColorRampConfig, band: BandDescription, domain: [number, number] | undefined): ResolvedRange {
  const known = knownRange(band);
  const pick = (side: 0 | 1): number | undefined => {
    const explicit = side === 0 ? config.min : config.max;
    if (explicit !== undefined) return explicit;
    if (config.percentile) return undefined;
    return domain ? domain[side] : side === 0 ? known.min : known.max;
  };
  const range: ResolvedRange = { min: pick(0), max: pick(1) };
  if (config.percentile) range.percentile = [config.percentile[0], config.percentile[1]];
  return range;
}

function needsStatistics(range: ResolvedRange): boolean {
  return range.min === undefined || range.max === undefined;
}

const sampleTypeRanges: Record<SampleType, [number, number] | undefined> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
  float32: undefined,
  float64: undefined,
};

/**
 * The band's range when it is worth stretching over: its stated min/max, unless they are just the
 * sample type's limits (a 16-bit band spread over 0-65535 would look black). 8-bit bands use
 * 0-255 when nothing says otherwise: their values are usually display values already.
 */
export function knownRange(band: BandDescription): ResolvedRange {
  const limits = sampleTypeRanges[band.sampleType];
  const stated = band.min !== undefined && band.max !== undefined && Number.isFinite(band.min) && Number.isFinite(band.max) && band.min < band.max;
  if (stated && !(limits && band.sampleType !== 'uint8' && band.min === limits[0] && band.max === limits[1])) {
    return { min: band.min, max: band.max };
  }
  if (band.sampleType === 'uint8') return { min: 0, max: 255 };
  return {};
}
