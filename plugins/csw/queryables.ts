/**
 * CSW queryable names (Dublin Core, CSW core, APISO; any prefix canonicalised by names.ts) onto
 * the catalogue's queryables, and filters written in them onto filters the engine runs.
 *
 * The names come from the catalogue's formats (`catalogue.formats`: the Dublin Core and ISO
 * formats publish the names of their elements and their record-type words, so what a filter
 * names is what a response shows); engine queryables are accepted by their own names too
 * (cloudCover, platform).
 *
 * AnyText (full text) becomes a case-insensitive LIKE on title, abstract, identifier and keywords
 * ORed together: unlike the engine's `q` it composes inside Or and Not, and it matches parts of
 * words, as CSW clients expect ("%senti%"). A pattern without wildcards is a "contains": QGIS
 * MetaSearch sends the words typed, unwrapped.
 */
import { FilterError, mapPredicates, property, type Expression, type Filter, type LikeFilter, type LikePart, type Predicate } from '../../core/filter/index.js';
import type { MetadataFormats } from '../catalogue/formats/types.js';
import type { QueryableDescription, RecordType } from '../catalogue/types.js';

/** The engine queryables AnyText searches. */
export const ANY_TEXT_FIELDS = ['title', 'abstract', 'identifier', 'keywords'] as const;

export const ANY_TEXT = 'AnyText';

/** The formats whose element names CSW constraints use, Dublin Core first (it wins a shared local name). */
const QUERY_FORMATS = ['dublin-core', 'iso19139'];

export interface QueryableMap {
  /** The engine queryable (or ANY_TEXT) a CSW name means; undefined when it means none. */
  resolve(name: string): string | undefined;
  /** CSW names a client may use, for capabilities and errors. */
  names(): string[];
  /** The engine description of a resolved queryable. */
  describe(engineName: string): QueryableDescription | undefined;
  /** How CSW responses name a record type (dc:type: dataset, series...). */
  typeName(type: string): string;
  /** The record type a CSW type word (dataset, series, an ISO scope code or DCMI type) names, or undefined. */
  recordType(word: string): RecordType | undefined;
}

/** The local part of a name: 'dc:title', '{http://purl.org/dc/elements/1.1/}title', 'a/b/Title' → 'title'. */
const localName = (name: string) => name.replace(/^\{[^}]*\}/, '').replace(/^[^:]*:/, '').replace(/^.*\//, '').toLowerCase();

export function createQueryableMap(engineQueryables: readonly QueryableDescription[], formats: MetadataFormats): QueryableMap {
  const engine = new Map(engineQueryables.map((q) => [q.name, q]));
  const vocabularies = QUERY_FORMATS.map((name) => formats.find(name)).filter((f) => f !== undefined);
  const tables = vocabularies.map((f) => f.queryables ?? {});
  // Exact names first; else by local name, case-insensitively, as pycsw and GeoNetwork do.
  const exact = new Map<string, string | null>();
  const byLocalName = new Map<string, string | null>();
  for (const table of tables) {
    for (const [name, target] of Object.entries(table)) {
      if (target !== null && !engine.has(target)) continue;
      if (!exact.has(name)) exact.set(name, target);
      if (!byLocalName.has(localName(name))) byLocalName.set(localName(name), target);
    }
  }
  const words = vocabularies.find((f) => f.typeNames && f.recordTypeOf);
  return {
    resolve(name) {
      if (engine.has(name)) return name;
      const mapped = exact.has(name) ? exact.get(name) : byLocalName.get(localName(name));
      if (mapped === null) return ANY_TEXT;
      return mapped;
    },
    names: () => [...exact.keys(), ...engine.keys()],
    describe: (engineName) => engine.get(engineName),
    typeName: (type) => (words?.typeNames && type in words.typeNames ? words.typeNames[type as RecordType] : type),
    recordType: (word) => words?.recordTypeOf?.(word),
  };
}

function unknownQueryable(name: string, locator: string, map: QueryableMap): FilterError {
  const known = map.names().slice(0, 12).join(', ');
  return new FilterError(`Unknown queryable '${name}' (queryables include ${known}...)`, { locator });
}

/** A filter over CSW names as a filter over engine queryables (AnyText and type values rewritten). */
export function toEngineFilter(filter: Filter, map: QueryableMap, locator = 'Constraint'): Filter {
  const rename = (e: Expression): Expression => {
    switch (e.kind) {
      case 'property': {
        const target = map.resolve(e.name);
        if (target === undefined) throw unknownQueryable(e.name, locator, map);
        if (target === ANY_TEXT) throw new FilterError('AnyText can only be compared with PropertyIsLike or PropertyIsEqualTo', { locator });
        return property(target);
      }
      case 'interval':
        return { ...e, start: rename(e.start) as typeof e.start, end: rename(e.end) as typeof e.end };
      case 'array':
        return { ...e, items: e.items.map(rename) };
      case 'function':
        return { ...e, args: e.args.map(rename) };
      case 'arithmetic':
        return { ...e, left: rename(e.left), right: rename(e.right) };
      default:
        return e;
    }
  };
  return mapPredicates(filter, (p) => {
    const anyText = anyTextPredicate(p, map, locator);
    if (anyText) return anyText;
    return keywordEquality(typeValues(scalarOnly(renamePredicate(p, rename), map, locator), map, locator));
  });
}

/** Comparisons, LIKE, BETWEEN and IN take values, not footprints: on ows:BoundingBox they are refused. */
function scalarOnly(p: Predicate, map: QueryableMap, locator: string): Predicate {
  const operands: Expression[] =
    p.op === 'like' || p.op === 'between' || p.op === 'in' ? [p.expr] : (['=', '<>', '<', '<=', '>', '>='] as string[]).includes(p.op) ? [(p as { left: Expression }).left, (p as { right: Expression }).right] : [];
  const spatial = operands.find((e) => e.kind === 'property' && map.describe(e.name)?.type === 'geometry');
  if (spatial) throw new FilterError(`The footprint (ows:BoundingBox) takes BBOX or a spatial operator, not ${p.op === 'like' ? 'LIKE' : p.op === 'between' ? 'BETWEEN' : p.op === 'in' ? 'IN' : `'${p.op}'`}`, { locator });
  return p;
}

/**
 * `keywords = 'X'` (dc:subject = 'X') asks for a record having the keyword X; the engine keeps the
 * keywords as one space-joined text, so it becomes X as a whole word of that text.
 */
function keywordEquality(p: Predicate): Filter {
  if (p.op !== '=' && p.op !== '<>') return p;
  const left = p.left.kind === 'property' && p.left.name === 'keywords';
  const right = p.right.kind === 'property' && p.right.name === 'keywords';
  if (left === right) return p;
  const value = left ? p.right : p.left;
  if (value.kind !== 'literal') return p;
  const text = { text: String(value.value) };
  const any: LikePart = { wildcard: 'any' };
  const patterns: LikePart[][] = [[text], [text, { text: ' ' }, any], [any, { text: ' ' }, text], [any, { text: ' ' }, text, { text: ' ' }, any]];
  const match: Filter = { op: 'or', args: patterns.map((pattern) => ({ op: 'like', expr: property('keywords'), pattern, matchCase: p.matchCase, matchAccent: p.matchAccent })) };
  return p.op === '=' ? match : { op: 'not', arg: match };
}

function renamePredicate(p: Predicate, rename: (e: Expression) => Expression): Predicate {
  switch (p.op) {
    case 'like':
    case 'isNull':
    case 'bbox':
      return { ...p, expr: rename(p.expr) } as Predicate;
    case 'between':
      return { ...p, expr: rename(p.expr), lower: rename(p.lower), upper: rename(p.upper) };
    case 'in':
      return { ...p, expr: rename(p.expr), list: p.list.map(rename) };
    case 'ids':
    case 'constant':
      return p;
    case 'function':
      return { ...p, call: rename(p.call) as typeof p.call };
    default:
      return { ...p, left: rename(p.left), right: rename(p.right) } as Predicate;
  }
}

const isAnyText = (e: Expression, map: QueryableMap): boolean => e.kind === 'property' && map.resolve(e.name) === ANY_TEXT;

/** AnyText LIKE / = as an OR of case-insensitive LIKEs over the text queryables; undefined for other predicates. */
function anyTextPredicate(p: Predicate, map: QueryableMap, locator: string): Filter | undefined {
  let pattern: LikePart[] | undefined;
  if (p.op === 'like' && isAnyText(p.expr, map)) pattern = p.pattern;
  else if (p.op === '=' && (isAnyText(p.left, map) || isAnyText(p.right, map))) {
    const value = isAnyText(p.left, map) ? p.right : p.left;
    if (value.kind !== 'literal') throw new FilterError('AnyText must be compared with a literal', { locator });
    pattern = [{ text: String(value.value) }];
  } else {
    return undefined;
  }
  const hasWildcard = pattern.some((part) => 'wildcard' in part);
  const contains: LikePart[] = hasWildcard ? pattern : [{ wildcard: 'any' }, ...pattern, { wildcard: 'any' }];
  const likes: LikeFilter[] = ANY_TEXT_FIELDS.filter((f) => map.describe(f)).map((field) => ({
    op: 'like',
    expr: property(field),
    pattern: contains,
    matchCase: false,
    matchAccent: true,
  }));
  return likes.length === 1 ? likes[0]! : { op: 'or', args: likes };
}

/** Comparisons of `type` with CSW type names ('dataset', 'series') compare engine types. */
function typeValues(p: Predicate, map: QueryableMap, locator: string): Predicate {
  const isType = (e: Expression) => e.kind === 'property' && e.name === 'type';
  const value = (e: Expression): Expression => {
    if (e.kind !== 'literal' || typeof e.value !== 'string') return e;
    const type = map.recordType(e.value);
    if (type === undefined) throw new FilterError(`Unknown record type '${e.value}' (dataset, series, service, application)`, { locator });
    return { kind: 'literal', value: type };
  };
  if ((p.op === '=' || p.op === '<>') && (isType(p.left) || isType(p.right))) {
    return { ...p, left: isType(p.left) ? p.left : value(p.left), right: isType(p.right) ? p.right : value(p.right), matchCase: true };
  }
  if (p.op === 'in' && isType(p.expr)) return { ...p, list: p.list.map(value), matchCase: true };
  return p;
}
