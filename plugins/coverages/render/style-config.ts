/**
 * How a layer's styles are written in config, and the JSON Schema (draft-07, as the core's ajv
 * reads it) that checks them at start-up. Semantic checks that need the coverage's bands (does
 * band 'B08' exist?) happen in resolveStyle.
 */
import type { JSONSchema } from '../../../core/plugin.js';
import { hexColorPattern } from './colors.js';
import { rampNames, type RampName } from './ramps.js';

/** A band by name (as the coverage describes it) or by 1-based index. */
export type BandRef = string | number;

export interface RangeStretch {
  min: number;
  max: number;
}
/** The [low, high] percentiles (0-100) of the coverage's values, from its statistics. */
export interface PercentileStretch {
  percentile: [number, number];
}
export type BandStretch = RangeStretch | PercentileStretch;

export interface ColorStop {
  /** A data value (in the raster's stored units, before any scale/offset). */
  value: number;
  /** '#rrggbb' or '#rrggbbaa'. */
  color: string;
}

interface StyleConfigBase {
  /** The style's name in WMS STYLES / WMTS Style (letters, digits, '_', '.', '-'). */
  name: string;
  title?: string;
  abstract?: string;
}

export interface RgbStyleConfig extends StyleConfigBase {
  type: 'rgb';
  bands: [BandRef, BandRef, BandRef];
  /** One stretch for all three bands, or one per band; default: the bands' known ranges, 0-255 for 8-bit. */
  stretch?: BandStretch | [BandStretch, BandStretch, BandStretch];
  /** out = t^(1/gamma) after the stretch: above 1 brightens the darks. Default 1. */
  gamma?: number;
}

/** How one band's values become colours (ramp styles, and colour-shaded relief). */
export interface ColorRampConfig {
  /** A named ramp spread over min..max. Default 'greys' when no `stops`. */
  ramp?: RampName;
  /** Custom stops at data values, instead of `ramp`. With min/max/percentile, the stops are moved: the first to min, the last to max. */
  stops?: ColorStop[];
  /** Reverses the ramp's (or the stops') colours. */
  reverse?: boolean;
  min?: number;
  max?: number;
  /** [low, high] percentiles for min/max not given explicitly. */
  percentile?: [number, number];
  /** 'linear' interpolates between stops; 'discrete' gives each class its stop's colour. Default 'linear'. */
  mode?: 'linear' | 'discrete';
}

export interface RampStyleConfig extends StyleConfigBase, ColorRampConfig {
  type: 'ramp';
  band: BandRef;
}

export interface HillshadeStyleConfig extends StyleConfigBase, ColorRampConfig {
  type: 'hillshade';
  band: BandRef;
  /** Direction of the light, degrees clockwise from north. Default 315 (north-west). */
  azimuth?: number;
  /** Height of the light above the horizon, degrees. Default 45. */
  altitude?: number;
  /** Vertical exaggeration. Default 1. */
  zFactor?: number;
}

export type StyleConfig = RgbStyleConfig | RampStyleConfig | HillshadeStyleConfig;
export type StyleType = StyleConfig['type'];

const bandRefSchema: JSONSchema = {
  type: ['string', 'integer'],
  minLength: 1,
  minimum: 1,
  description: 'A band name, or its 1-based index.',
};

const percentileSchema: JSONSchema = {
  type: 'array',
  items: { type: 'number', minimum: 0, maximum: 100 },
  minItems: 2,
  maxItems: 2,
  description: '[low, high] percentiles (0-100) of the coverage values, e.g. [2, 98].',
};

const rangeStretchSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['min', 'max'],
  properties: {
    min: { type: 'number', description: 'Value shown darkest (0).' },
    max: { type: 'number', description: 'Value shown brightest (255).' },
  },
};

const percentileStretchSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['percentile'],
  properties: { percentile: percentileSchema },
};

const bandStretchSchema: JSONSchema = { anyOf: [rangeStretchSchema, percentileStretchSchema] };

const commonProperties: Record<string, JSONSchema> = {
  name: {
    type: 'string',
    pattern: '^[A-Za-z0-9_.-]+$',
    description: "The style's name (WMS STYLES, WMTS Style): letters, digits, '_', '.', '-'.",
  },
  title: { type: 'string', description: 'Human-readable title (capabilities).' },
  abstract: { type: 'string', description: 'Longer description (capabilities).' },
  type: { enum: ['rgb', 'ramp', 'hillshade'], description: 'rgb: three bands as red, green, blue; ramp: one band through a colour ramp; hillshade: shaded relief of an elevation band.' },
};

/** A key refused next to another ("must NOT be valid" in the config error). */
const notWithStops: JSONSchema = { not: {}, description: 'Not allowed with stops: give a named ramp or stops.' };

const colorRampProperties: Record<string, JSONSchema> = {
  ramp: { enum: [...rampNames], description: `A named ramp spread over min..max: ${rampNames.join(', ')}.` },
  stops: {
    type: 'array',
    minItems: 1,
    description: 'Custom stops at data values (moved onto min..max when min, max or percentile are given).',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['value', 'color'],
      properties: {
        value: { type: 'number', description: 'A data value.' },
        color: { type: 'string', pattern: hexColorPattern, description: "'#rrggbb' or '#rrggbbaa'." },
      },
    },
  },
  reverse: { type: 'boolean', description: "Reverse the ramp's colours." },
  min: { type: 'number', description: "Value at the ramp's start (default: the percentile, the band's known range, or its statistics)." },
  max: { type: 'number', description: "Value at the ramp's end." },
  percentile: percentileSchema,
  mode: { enum: ['linear', 'discrete'], description: 'linear: interpolate between stops; discrete: classes, each in its stop colour.' },
};

/** A named ramp or custom stops, not both. */
const stopsExclusions: JSONSchema = {
  if: { required: ['stops'] },
  then: { properties: { ramp: notWithStops } },
};

const rgbSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'bands'],
  properties: {
    ...commonProperties,
    bands: { type: 'array', items: bandRefSchema, minItems: 3, maxItems: 3, description: 'Red, green and blue bands (names or 1-based indexes).' },
    stretch: {
      description: 'One stretch for the three bands ({min, max} or {percentile}), or a list of three.',
      anyOf: [bandStretchSchema, { type: 'array', items: bandStretchSchema, minItems: 3, maxItems: 3 }],
    },
    gamma: { type: 'number', exclusiveMinimum: 0, description: 'out = t^(1/gamma) after the stretch; above 1 brightens. Default 1.' },
  },
};

const rampSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'band'],
  properties: { ...commonProperties, band: bandRefSchema, ...colorRampProperties },
  ...stopsExclusions,
};

const hillshadeSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'band'],
  properties: {
    ...commonProperties,
    band: { ...bandRefSchema, description: 'The elevation band.' },
    azimuth: { type: 'number', minimum: 0, maximum: 360, default: 315, description: 'Light direction, degrees clockwise from north.' },
    altitude: { type: 'number', minimum: 0, maximum: 90, default: 45, description: 'Light height above the horizon, degrees.' },
    zFactor: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Vertical exaggeration.' },
    ...colorRampProperties,
  },
  ...stopsExclusions,
};

/**
 * One style of a layer. The branch for each `type` lists its own keys (so unknown keys are named
 * with the nearest valid one); an unknown `type` fails on the enum.
 */
export const styleConfigSchema: JSONSchema = {
  type: 'object',
  description: 'A rendering style: rgb, ramp or hillshade.',
  required: ['name', 'type'],
  properties: { name: commonProperties.name, type: commonProperties.type },
  allOf: [
    { if: { required: ['type'], properties: { type: { const: 'rgb' } } }, then: rgbSchema },
    { if: { required: ['type'], properties: { type: { const: 'ramp' } } }, then: rampSchema },
    { if: { required: ['type'], properties: { type: { const: 'hillshade' } } }, then: hillshadeSchema },
  ],
};
