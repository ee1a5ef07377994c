/**
 * Vector styles as they are drawn: config (style-config.ts) checked and compiled once at setup
 * (filters parsed, defaults filled in; an error names the config path), the default style of a
 * collection without configured ones (by its geometry type), and which rules draw a feature at a
 * scale. Rule filters run in memory on each feature's properties, their literals typed as the
 * collection's properties (a date property compared with a date, a number with a number).
 */
import {
  compileFilter,
  mapPredicates,
  parseCql2Text,
  propertiesOf,
  typeLiterals,
  type Filter,
  type QueryableType,
} from '../../../core/filter/index.js';
import type { CollectionDescription, GeometryType, PropertyType } from '../../features/types.js';
import type { FillConfig, PointShape, RuleConfig, StrokeConfig, VectorStyleConfig } from './style-config.js';

export interface Fill {
  color: string;
  opacity: number;
}

export interface Stroke {
  color: string;
  width: number;
  opacity: number;
  dasharray?: number[];
}

export interface PointSymbol {
  shape: PointShape;
  size: number;
  fill?: Fill;
  stroke?: Stroke;
}

export interface Label {
  property: string;
  size: number;
  color: string;
  halo?: { color: string; width: number };
}

export interface VectorRule {
  name?: string;
  /** The legend's text. */
  title: string;
  filter?: Filter;
  isElse: boolean;
  minScale: number;
  maxScale: number;
  fill?: Fill;
  stroke?: Stroke;
  point?: PointSymbol;
  label?: Label;
}

export interface VectorStyle {
  name: string;
  title: string;
  abstract?: string;
  rules: VectorRule[];
}

export const DEFAULT_STYLE_NAME = 'default';

const fill = (c: FillConfig | undefined): Fill | undefined => (c ? { color: c.color, opacity: c.opacity ?? 1 } : undefined);
const stroke = (c: StrokeConfig | undefined): Stroke | undefined =>
  c ? { color: c.color, width: c.width ?? 1, opacity: c.opacity ?? 1, ...(c.dasharray ? { dasharray: c.dasharray } : {}) } : undefined;

const SPATIAL_OPS: ReadonlySet<string> = new Set(['spatial', 'bbox', 'dwithin', 'beyond']);

function compileRule(rule: RuleConfig, path: string): VectorRule {
  let filter: Filter | undefined;
  if (rule.filter !== undefined) {
    try {
      filter = parseCql2Text(rule.filter, { locator: `${path}.filter` });
    } catch (err) {
      throw new Error(`${path}.filter: ${(err as Error).message}`);
    }
    // Features are drawn in the map's CRS; in-memory spatial tests read CRS:84.
    mapPredicates(filter, (p) => {
      if (SPATIAL_OPS.has(p.op)) throw new Error(`${path}.filter: rule filters are on attributes; spatial predicates are not supported`);
      return p;
    });
  }
  if (rule.else && filter) throw new Error(`${path}: a rule is either 'else' or has a filter, not both`);
  const minScale = rule.minScale ?? 0;
  const maxScale = rule.maxScale ?? Number.POSITIVE_INFINITY;
  if (minScale >= maxScale) throw new Error(`${path}: minScale ${minScale} is not below maxScale ${maxScale}`);
  const point = rule.point
    ? { shape: rule.point.shape ?? 'circle', size: rule.point.size ?? 8, fill: fill(rule.point.fill), stroke: stroke(rule.point.stroke) }
    : undefined;
  if (point && !point.fill && !point.stroke) point.fill = { color: '#000000', opacity: 1 };
  const label = rule.label
    ? {
        property: rule.label.property,
        size: rule.label.size ?? 12,
        color: rule.label.color ?? '#000000',
        ...(rule.label.halo ? { halo: { color: rule.label.halo.color ?? '#ffffff', width: rule.label.halo.width ?? 2 } } : {}),
      }
    : undefined;
  if (!rule.fill && !rule.stroke && !point && !label) throw new Error(`${path}: a rule needs fill, stroke, point or label`);
  return {
    name: rule.name,
    title: rule.title ?? rule.name ?? rule.filter ?? (rule.else ? 'Other' : 'Features'),
    filter,
    isElse: rule.else === true,
    minScale,
    maxScale,
    fill: fill(rule.fill),
    stroke: stroke(rule.stroke),
    point,
    label,
  };
}

/** Config `vectorStyles` compiled; throws an Error naming the config path of the first problem. */
export function compileVectorStyles(config: Record<string, VectorStyleConfig[]>, base = 'plugins.wms.vectorStyles'): Map<string, VectorStyle[]> {
  const out = new Map<string, VectorStyle[]>();
  for (const [collection, styles] of Object.entries(config)) {
    const seen = new Set<string>();
    out.set(
      collection,
      styles.map((style, i) => {
        const path = `${base}.${collection}[${i}]`;
        if (seen.has(style.name)) throw new Error(`${path}.name: style '${style.name}' is named twice for '${collection}'`);
        seen.add(style.name);
        return { name: style.name, title: style.title ?? style.name, abstract: style.abstract, rules: style.rules.map((r, j) => compileRule(r, `${path}.rules[${j}]`)) };
      }),
    );
  }
  return out;
}

const DEFAULT_FILL: Fill = { color: '#3388cc', opacity: 0.4 };
const DEFAULT_OUTLINE: Stroke = { color: '#1f5582', width: 1, opacity: 1 };
const DEFAULT_LINE: Stroke = { color: '#cc4433', width: 2, opacity: 1 };
const DEFAULT_POINT: PointSymbol = { shape: 'circle', size: 8, fill: { color: '#ee9922', opacity: 1 }, stroke: { color: '#7a4a00', width: 1, opacity: 1 } };

/** The style of a collection that config gives none: one rule, by the declared geometry type. */
export function defaultStyle(geometryType: GeometryType): VectorStyle {
  const rule: VectorRule = { title: 'Features', isElse: false, minScale: 0, maxScale: Number.POSITIVE_INFINITY };
  switch (geometryType) {
    case 'Point':
    case 'MultiPoint':
      rule.point = DEFAULT_POINT;
      break;
    case 'LineString':
    case 'MultiLineString':
      rule.stroke = DEFAULT_LINE;
      break;
    case 'Polygon':
    case 'MultiPolygon':
      rule.fill = DEFAULT_FILL;
      rule.stroke = DEFAULT_OUTLINE;
      break;
    default:
      // Any geometry: polygons filled and outlined, lines stroked, points marked.
      rule.fill = DEFAULT_FILL;
      rule.stroke = DEFAULT_OUTLINE;
      rule.point = DEFAULT_POINT;
  }
  return { name: DEFAULT_STYLE_NAME, title: 'Default', abstract: `Default style for ${geometryType} features`, rules: [rule] };
}

/** The styles of a collection, the default first. */
export function stylesOf(configured: ReadonlyMap<string, VectorStyle[]>, collection: Pick<CollectionDescription, 'id' | 'geometryType'>): VectorStyle[] {
  return configured.get(collection.id) ?? [defaultStyle(collection.geometryType)];
}

const QUERYABLE_TYPE: Record<PropertyType, QueryableType | undefined> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  date: 'timestamp',
  datetime: 'timestamp',
  json: undefined,
};

/** Picks the rules that draw a feature, for one style on one collection at one scale. */
export interface RuleMatcher {
  /** The rules active at this scale, in style order. */
  readonly rules: readonly VectorRule[];
  /** Indexes into `rules` of those that draw a feature with these properties (empty: not drawn). */
  match(id: string, properties: Record<string, unknown>): number[];
  /** The properties the rules read (filters and labels) that the collection has. */
  readonly properties: string[];
}

export function inScale(rule: VectorRule, scale: number): boolean {
  return scale >= rule.minScale && scale < rule.maxScale;
}

export function ruleMatcher(style: VectorStyle, collection: Pick<CollectionDescription, 'properties'>, scale: number): RuleMatcher {
  const types = new Map(collection.properties.map((p) => [p.name, QUERYABLE_TYPE[p.type]]));
  const rules = style.rules.filter((r) => inScale(r, scale));
  const used = new Set<string>();
  const tests = rules.map((rule) => {
    if (rule.label) used.add(rule.label.property);
    if (!rule.filter) return undefined;
    for (const name of propertiesOf(rule.filter)) used.add(name);
    let typed: Filter;
    try {
      typed = typeLiterals(rule.filter, (name) => types.get(name));
    } catch {
      // A literal that cannot be the property's type never matches it.
      return () => false;
    }
    return compileFilter(typed);
  });
  const plain = rules.flatMap((r, i) => (r.isElse ? [] : [i]));
  const others = rules.flatMap((r, i) => (r.isElse ? [i] : []));
  return {
    rules,
    properties: [...used].filter((name) => types.has(name)),
    match(id, properties) {
      const record = { id, properties };
      const hits = plain.filter((i) => {
        const test = tests[i];
        return test === undefined || test(record);
      });
      return hits.length > 0 ? hits : others;
    },
  };
}
