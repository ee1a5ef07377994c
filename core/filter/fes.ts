/**
 * OGC Filter Encoding 2.0 (fes:Filter) and 1.1 (ogc:Filter) XML into the filter AST. Elements
 * are matched by local name, so both versions (ValueReference / PropertyName, ResourceId /
 * FeatureId / GmlObjectId, escapeChar / escape) go through one reader. Geometries are GML (see
 * gml.ts), times gml:TimeInstant / gml:TimePeriod or ISO 8601 literals.
 */
import { parseTimeValue, type SafeXmlOptions } from '../ows/index.js';
import {
  CRS84,
  property,
  type ComparisonOperator,
  type Expression,
  type Filter,
  type SpatialRelation,
  type TemporalRelation,
  type TimeLiteral,
} from './ast.js';
import { functionCall, likePattern } from './cql2-build.js';
import { FilterError } from './errors.js';
import { GML_GEOMETRY_NAMES, readGmlEnvelope, readGmlGeometry, type GmlOptions } from './gml.js';
import { child, parseXmlTree, type XmlNode } from './xml-tree.js';

export interface FesOptions extends GmlOptions, SafeXmlOptions {
  /** Queryable a BBOX without a property name applies to; 'geometry' by default. */
  defaultGeometry?: string;
}

const COMPARISONS: Record<string, ComparisonOperator> = {
  PropertyIsEqualTo: '=',
  PropertyIsNotEqualTo: '<>',
  PropertyIsLessThan: '<',
  PropertyIsLessThanOrEqualTo: '<=',
  PropertyIsGreaterThan: '>',
  PropertyIsGreaterThanOrEqualTo: '>=',
};

const SPATIAL: Record<string, SpatialRelation> = {
  Equals: 'equals',
  Disjoint: 'disjoint',
  Touches: 'touches',
  Within: 'within',
  Overlaps: 'overlaps',
  Crosses: 'crosses',
  Intersects: 'intersects',
  Contains: 'contains',
};

const TEMPORAL: Record<string, TemporalRelation> = {
  After: 'after',
  Before: 'before',
  Begins: 'starts',
  BegunBy: 'startedBy',
  TContains: 'contains',
  During: 'during',
  TEquals: 'equals',
  TOverlaps: 'overlaps',
  Meets: 'meets',
  OverlappedBy: 'overlappedBy',
  MetBy: 'metBy',
  Ends: 'finishes',
  EndedBy: 'finishedBy',
  AnyInteracts: 'intersects',
};

const ID_ELEMENTS = new Set(['ResourceId', 'FeatureId', 'GmlObjectId']);
const PROPERTY_ELEMENTS = ['ValueReference', 'PropertyName'];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a fes:Filter / ogc:Filter document (or an already parsed element). */
export function parseFesFilter(input: string | Uint8Array | XmlNode, options: FesOptions = {}): Filter {
  const root = typeof input === 'string' || input instanceof Uint8Array ? parseXmlTree(input, { code: 'InvalidParameterValue', locator: options.locator ?? 'filter', ...options }) : input;
  return new FesReader(options).filterElement(root);
}

class FesReader {
  constructor(private readonly o: FesOptions) {}

  private fail(message: string): never {
    throw new FilterError(message, { locator: this.o.locator });
  }

  filterElement(root: XmlNode): Filter {
    if (root.name !== 'Filter') this.fail(`Expected a Filter element, found '${root.name}'`);
    if (root.children.length === 0) this.fail('Filter has no operator');
    if (root.children.every((c) => ID_ELEMENTS.has(c.name))) return this.ids(root.children);
    if (root.children.length !== 1) this.fail('Filter must hold one operator (combine several with And or Or)');
    return this.operator(root.children[0]!);
  }

  private ids(nodes: XmlNode[]): Filter {
    const ids = nodes.map((n) => n.attrs.rid ?? n.attrs.fid ?? n.attrs.id);
    if (ids.some((id) => !id)) this.fail('A resource id element needs its rid (fid, gml:id) attribute');
    return { op: 'ids', ids: ids as string[] };
  }

  operator(n: XmlNode): Filter {
    if (n.name === 'And' || n.name === 'Or') {
      if (n.children.length < 2) this.fail(`${n.name} needs at least two operands`);
      return { op: n.name === 'And' ? 'and' : 'or', args: n.children.map((c) => this.operator(c)) };
    }
    if (n.name === 'Not') {
      if (n.children.length !== 1) this.fail('Not needs one operand');
      return { op: 'not', arg: this.operator(n.children[0]!) };
    }
    if (ID_ELEMENTS.has(n.name)) return this.ids([n]);
    const comparison = COMPARISONS[n.name];
    if (comparison) {
      const [l, r] = this.operands(n, 2);
      return { op: comparison, left: this.expression(l!), right: this.expression(r!), matchCase: n.attrs.matchCase !== 'false', matchAccent: true };
    }
    if (n.name === 'PropertyIsLike') return this.like(n);
    if (n.name === 'PropertyIsNull' || n.name === 'PropertyIsNil') return { op: 'isNull', expr: this.expression(this.operands(n, 1)[0]!) };
    if (n.name === 'PropertyIsBetween') {
      const lower = child(n, 'LowerBoundary');
      const upper = child(n, 'UpperBoundary');
      const expr = n.children.find((c) => c.name !== 'LowerBoundary' && c.name !== 'UpperBoundary');
      if (!lower || !upper || !expr || lower.children.length !== 1 || upper.children.length !== 1) this.fail('PropertyIsBetween needs an expression, LowerBoundary and UpperBoundary');
      return { op: 'between', expr: this.expression(expr), lower: this.expression(lower.children[0]!), upper: this.expression(upper.children[0]!) };
    }
    if (n.name === 'BBOX') return this.bbox(n);
    const spatial = SPATIAL[n.name];
    if (spatial) {
      const [l, r] = this.operands(n, 2);
      return { op: 'spatial', relation: spatial, left: this.expression(l!), right: this.expression(r!) };
    }
    if (n.name === 'DWithin' || n.name === 'Beyond') {
      const distance = child(n, 'Distance');
      if (!distance) this.fail(`${n.name} needs a Distance`);
      const [l, r] = n.children.filter((c) => c.name !== 'Distance');
      if (!l || !r) this.fail(`${n.name} needs a property and a geometry`);
      const value = Number(distance.text);
      if (!distance.text || !Number.isFinite(value)) this.fail(`Distance '${distance.text}' is not a number`);
      return { op: n.name === 'DWithin' ? 'dwithin' : 'beyond', left: this.expression(l), right: this.expression(r), distance: value, units: distance.attrs.uom ?? distance.attrs.units ?? '' };
    }
    const temporal = TEMPORAL[n.name];
    if (temporal) {
      const [l, r] = this.operands(n, 2);
      return { op: 'temporal', relation: temporal, left: this.timeOperand(l!), right: this.timeOperand(r!) };
    }
    this.fail(`Unsupported filter operator '${n.name}'`);
  }

  private operands(n: XmlNode, count: number): XmlNode[] {
    if (n.children.length !== count) this.fail(`${n.name} needs ${count} operand(s), found ${n.children.length}`);
    return n.children;
  }

  private like(n: XmlNode): Filter {
    const [e, p] = this.operands(n, 2);
    if (p!.name !== 'Literal') this.fail('The pattern of PropertyIsLike must be a Literal');
    const marks = { wildCard: n.attrs.wildCard ?? '*', singleChar: n.attrs.singleChar ?? '?', escapeChar: n.attrs.escapeChar ?? n.attrs.escape ?? '\\' };
    for (const [name, mark] of Object.entries(marks)) if ([...mark].length !== 1) this.fail(`PropertyIsLike ${name} must be one character`);
    return { op: 'like', expr: this.expression(e!), pattern: likePattern(p!.text, marks), matchCase: n.attrs.matchCase !== 'false', matchAccent: true };
  }

  private bbox(n: XmlNode): Filter {
    const envelope = n.children.find((c) => GML_GEOMETRY_NAMES.has(c.name)) ?? child(n, 'Literal')?.children.find((c) => GML_GEOMETRY_NAMES.has(c.name));
    if (!envelope) this.fail('BBOX needs a gml:Envelope');
    const prop = n.children.find((c) => PROPERTY_ELEMENTS.includes(c.name));
    const expr = prop ? this.expression(prop) : property(this.o.defaultGeometry ?? 'geometry');
    if (envelope.name === 'Envelope' || envelope.name === 'Box') return { op: 'bbox', expr, bbox: readGmlEnvelope(envelope, this.o), crs: CRS84 };
    return { op: 'spatial', relation: 'intersects', left: expr, right: { kind: 'geometry', geometry: readGmlGeometry(envelope, this.o), crs: CRS84 } };
  }

  expression(n: XmlNode): Expression {
    if (PROPERTY_ELEMENTS.includes(n.name)) {
      if (!n.text) this.fail(`${n.name} is empty`);
      // XPath steps become dots: 'eo/cloudCover' and 'eo.cloudCover' name the same queryable.
      return property(n.text.replace(/^\.?\//, '').replace(/\//g, '.'));
    }
    if (GML_GEOMETRY_NAMES.has(n.name)) return { kind: 'geometry', geometry: readGmlGeometry(n, this.o), crs: CRS84 };
    if (n.name === 'Literal') {
      const inner = n.children[0];
      if (inner) return this.expression(inner);
      return { kind: 'literal', value: NUMBER.test(n.text) ? Number(n.text) : n.text };
    }
    if (n.name === 'TimeInstant' || n.name === 'TimePeriod') return this.time(n);
    if (n.name === 'Function') {
      const name = n.attrs.name;
      if (!name) this.fail('Function needs a name');
      return functionCall(name, n.children.map((c) => this.expression(c)));
    }
    this.fail(`Unsupported expression '${n.name}'`);
  }

  private timeOperand(n: XmlNode): Expression {
    if (n.name === 'Literal' && n.children.length === 0) return this.isoTime(n.text);
    return this.expression(n);
  }

  private isoTime(text: string): TimeLiteral {
    try {
      const t = parseTimeValue(text, { locator: this.o.locator ?? 'filter', allowList: false });
      return { kind: 'time', text, shape: t.kind === 'instant' ? 'instant' : 'interval', begin: t.begin?.getTime() ?? null, end: t.end?.getTime() ?? null };
    } catch {
      this.fail(`'${text}' is not an ISO 8601 time or interval`);
    }
  }

  /** gml:TimeInstant (timePosition) or gml:TimePeriod (beginPosition/endPosition or begin/end instants). */
  private time(n: XmlNode): TimeLiteral {
    const position = (node: XmlNode | undefined, what: string): string => {
      const instant = node && (node.name === 'TimeInstant' ? node : child(node, 'TimeInstant'));
      const at = instant ? child(instant, 'timePosition') : node;
      // gml:indeterminatePosition: 'unknown' leaves the end open, 'now' is the time of the request.
      const indeterminate = at?.attrs.indeterminatePosition;
      if (!at?.text && indeterminate === 'unknown') return '..';
      if (!at?.text && indeterminate === 'now') return new Date().toISOString();
      if (!at?.text) this.fail(`${n.name} needs its ${what}`);
      return at.text;
    };
    if (n.name === 'TimeInstant') {
      const t = this.isoTime(position(n, 'timePosition'));
      return { ...t, shape: 'instant' };
    }
    const begin = position(child(n, 'beginPosition', 'begin'), 'beginning');
    const end = position(child(n, 'endPosition', 'end'), 'end');
    const b = begin === '..' ? null : this.isoTime(begin).begin;
    const e = end === '..' ? null : this.isoTime(end).end;
    if (b !== null && e !== null && b > e) this.fail('TimePeriod ends before it begins');
    return { kind: 'time', text: `${begin}/${end}`, shape: 'interval', begin: b, end: e };
  }
}

