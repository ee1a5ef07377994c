/**
 * How vector layers are styled in config (`plugins.wms.vectorStyles`): per collection id, a list
 * of named styles (the first is the default), each a list of rules. A rule draws the features its
 * CQL2 text filter matches (every feature without one; with `else`, those no other rule of the
 * style drew) within its scale range: `fill` paints polygons, `stroke` lines and polygon outlines,
 * `point` marks points, `label` writes a property's value. The JSON Schema here is part of the
 * WMS config schema; colours and names are checked strictly because they go into SVG.
 */
import type { JSONSchema } from '../../../core/plugin.js';

export type PointShape = 'circle' | 'square' | 'triangle' | 'star' | 'cross';

export interface FillConfig {
  /** #rgb or #rrggbb. */
  color: string;
  /** 0..1, default 1. */
  opacity?: number;
}

export interface StrokeConfig {
  color: string;
  /** Pixels, default 1. */
  width?: number;
  opacity?: number;
  /** Dash and gap lengths in pixels. */
  dasharray?: number[];
}

export interface PointConfig {
  /** Default circle. */
  shape?: PointShape;
  /** Diameter in pixels, default 8. */
  size?: number;
  fill?: FillConfig;
  stroke?: StrokeConfig;
}

export interface LabelConfig {
  /** The property whose value is written. */
  property: string;
  /** Pixels, default 12. */
  size?: number;
  /** Default #000000. */
  color?: string;
  /** A contour around the letters, so they read on any background. */
  halo?: { color?: string; width?: number };
}

export interface RuleConfig {
  name?: string;
  /** The legend's text for the rule (default its name, else its filter). */
  title?: string;
  /** CQL2 text on the collection's properties (no spatial predicates). */
  filter?: string;
  /** Draws the features no other rule of the style draws at this scale (SLD ElseFilter). */
  else?: boolean;
  /** Drawn at scale denominators from minScale (inclusive) to maxScale (exclusive), as SLD. */
  minScale?: number;
  maxScale?: number;
  fill?: FillConfig;
  stroke?: StrokeConfig;
  point?: PointConfig;
  label?: LabelConfig;
}

export interface VectorStyleConfig {
  name: string;
  title?: string;
  abstract?: string;
  rules: RuleConfig[];
}

const COLOR = { type: 'string', pattern: '^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$', description: 'A colour #rgb or #rrggbb.' };
const OPACITY = { type: 'number', minimum: 0, maximum: 1 };
/** Property names of the features engine: SQL identifiers. */
const PROPERTY = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };

const fillSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['color'],
  properties: { color: COLOR, opacity: OPACITY },
};

const strokeSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['color'],
  properties: {
    color: COLOR,
    width: { type: 'number', minimum: 0, maximum: 100 },
    opacity: OPACITY,
    dasharray: { type: 'array', items: { type: 'number', minimum: 0, maximum: 1000 }, minItems: 1, maxItems: 16 },
  },
};

const ruleSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    title: { type: 'string' },
    filter: { type: 'string', minLength: 1, description: "CQL2 text on the collection's properties." },
    else: { type: 'boolean', description: 'Draws the features no other rule of the style draws.' },
    minScale: { type: 'number', minimum: 0, description: 'Smallest scale denominator drawn at (inclusive).' },
    maxScale: { type: 'number', exclusiveMinimum: 0, description: 'Scale denominator from which the rule is no longer drawn.' },
    fill: fillSchema,
    stroke: strokeSchema,
    point: {
      type: 'object',
      additionalProperties: false,
      properties: {
        shape: { type: 'string', enum: ['circle', 'square', 'triangle', 'star', 'cross'] },
        size: { type: 'number', exclusiveMinimum: 0, maximum: 200 },
        fill: fillSchema,
        stroke: strokeSchema,
      },
    },
    label: {
      type: 'object',
      additionalProperties: false,
      required: ['property'],
      properties: {
        property: PROPERTY,
        size: { type: 'number', minimum: 4, maximum: 100 },
        color: COLOR,
        halo: { type: 'object', additionalProperties: false, properties: { color: COLOR, width: { type: 'number', minimum: 0, maximum: 20 } } },
      },
    },
  },
};

export const vectorStylesSchema: JSONSchema = {
  type: 'object',
  default: {},
  description: 'Per feature collection id: its styles, the first the default (a default style per geometry type when none is given).',
  additionalProperties: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'rules'],
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
        title: { type: 'string' },
        abstract: { type: 'string' },
        rules: { type: 'array', minItems: 1, items: ruleSchema },
      },
    },
  },
};
