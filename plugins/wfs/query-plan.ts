/**
 * Query expressions (ad hoc wfs:Query / KVP, and stored queries expanded by stored-queries.ts)
 * resolved against the feature types into engine queries: the type name into a collection, the
 * filter parsed with the query's CRS as default for geometries without srsName, property names
 * stripped of their prefixes and checked against the collection (an unknown one is an
 * InvalidParameterValue at the parameter that named it, before anything runs), resource ids
 * turned into engine ids, BBOX read in the CRS's axis order, the output CRS settled.
 */
import { mapPredicates, parseFesFilter, type Expression, type Filter } from '../../core/filter/index.js';
import { invalidParameterValue, parseBbox } from '../../core/ows/index.js';
import type { CollectionDescription, FeatureQuery, PropertyDefinition, SortKey } from '../features/types.js';
import type { WfsEnv } from './context.js';
import { AXIS_CONTEXT, outputCrs, type OutputCrs } from './crs.js';
import type { EngineErrorContext } from './exceptions.js';
import { featureIdsOf } from './feature-types.js';
import { propertyPath } from './names.js';
import type { AdHocQuery, FilterInput, QueryExpression, WrittenName } from './requests.js';
import type { WfsVersion } from './versions.js';

/** The geometry property of every feature type (the engine's geometry queryable). */
export const GEOMETRY_PROPERTY = 'geometry';
/** The feature id, as a filter and sort key. */
const ID_PROPERTY = 'id';

export interface PlannedQuery {
  collection: CollectionDescription;
  /** The engine query, without limit and offset. */
  query: FeatureQuery;
  output: OutputCrs;
  /** Properties written, in schema order. */
  properties: PropertyDefinition[];
  includeGeometry: boolean;
  /** Nothing can match (resource ids of other types only): the engine is not asked. */
  empty: boolean;
  locators: EngineErrorContext;
  handle?: string;
}

export interface PlanOptions {
  version: WfsVersion;
  /** GetFeatureById: one feature, written bare. */
  singleFeature?: boolean;
}

/** Property names a collection answers to in filters and sort keys. */
function knownNames(collection: CollectionDescription): Set<string> {
  return new Set([...collection.properties.map((p) => p.name), GEOMETRY_PROPERTY, ID_PROPERTY]);
}

function unknownProperty(name: string, collection: CollectionDescription, locator: string): never {
  throw invalidParameterValue(locator, `Feature type '${collection.id}' has no property '${name}'`);
}

/** The filter with engine names: prefixes dropped, names checked, resource ids mapped to this collection's ids. */
export function engineFilter(input: FilterInput, collection: CollectionDescription, defaultCrs: string): Filter {
  const parsed = parseFesFilter(input.node, { defaultCrs, axisOrder: AXIS_CONTEXT, locator: input.locator, defaultGeometry: GEOMETRY_PROPERTY });
  const names = knownNames(collection);
  const rename = (e: Expression): Expression => {
    switch (e.kind) {
      case 'property': {
        const name = propertyPath(e.name, collection.id);
        if (!names.has(name)) unknownProperty(e.name, collection, input.locator);
        return { kind: 'property', name, path: name.split('.') };
      }
      case 'function':
        return { ...e, args: e.args.map(rename) };
      case 'array':
        return { ...e, items: e.items.map(rename) };
      case 'arithmetic':
        return { ...e, left: rename(e.left), right: rename(e.right) };
      case 'interval':
        return { ...e, start: rename(e.start) as typeof e.start, end: rename(e.end) as typeof e.end };
      default:
        return e;
    }
  };
  return mapPredicates(parsed, (p): Filter => {
    switch (p.op) {
      case 'ids': {
        const ids = [...new Set(p.ids.flatMap((rid) => featureIdsOf(rid, collection.id)))];
        return ids.length > 0 ? { op: 'ids', ids } : { op: 'constant', value: false };
      }
      case 'like':
      case 'isNull':
      case 'bbox':
        return { ...p, expr: rename(p.expr) };
      case 'between':
        return { ...p, expr: rename(p.expr), lower: rename(p.lower), upper: rename(p.upper) };
      case 'in':
        return { ...p, expr: rename(p.expr), list: p.list.map(rename) };
      case 'constant':
        return p;
      case 'function':
        return { ...p, call: rename(p.call) as typeof p.call };
      default:
        return { ...p, left: rename(p.left), right: rename(p.right) } as Filter;
    }
  });
}

/** A property named in PROPERTYNAME, SORTBY or valueReference, as the engine names it; checked. */
export function propertyOf(name: WrittenName | string, collection: CollectionDescription, locator: string): string {
  const text = typeof name === 'string' ? name : name.written;
  const path = propertyPath(text, collection.id);
  if (!knownNames(collection).has(path)) unknownProperty(text, collection, locator);
  return path;
}

function constantFalse(filter: Filter | undefined): boolean {
  return filter?.op === 'constant' && filter.value === false;
}

async function planAdHoc(q: AdHocQuery, env: WfsEnv, collection: CollectionDescription): Promise<PlannedQuery> {
  const output = outputCrs(q.srsName, collection, 'srsName');
  const locators: EngineErrorContext = { typeLocator: 'typeNames', queryLocator: q.filter?.locator ?? (q.bbox ? 'BBOX' : 'FILTER') };
  const query: FeatureQuery = { crs: output.crsId };
  let empty = false;
  if (q.filter) {
    query.filter = engineFilter(q.filter, collection, output.srsName);
    empty = constantFalse(query.filter);
  }
  if (q.bbox) {
    const box = parseBbox(q.bbox, { axisOrder: AXIS_CONTEXT, defaultCrs: output.srsName, locator: 'BBOX' });
    query.bbox = box.xy;
    query.bboxCrs = box.crs?.crs.id ?? output.crsId;
  }
  if (q.resourceIds) {
    const ids = [...new Set(q.resourceIds.flatMap((rid) => featureIdsOf(rid, collection.id)))];
    if (ids.length === 0) empty = true;
    else query.ids = ids;
  }
  if (q.sortBy) {
    query.sortBy = q.sortBy.map((s): SortKey => ({ property: propertyOf(s.property, collection, 'SORTBY'), direction: s.direction }));
  }
  let properties = collection.properties;
  let includeGeometry = true;
  if (q.propertyNames && q.propertyNames.length > 0) {
    const selected = new Set(q.propertyNames.map((p) => propertyOf(p, collection, 'PROPERTYNAME')));
    properties = collection.properties.filter((p) => selected.has(p.name));
    includeGeometry = selected.has(GEOMETRY_PROPERTY);
    query.properties = properties.map((p) => p.name);
    query.skipGeometry = !includeGeometry;
  }
  return { collection, query, output, properties, includeGeometry, empty, locators, handle: q.handle };
}

/** RESOURCEID without TYPENAMES: one query per feature type the ids name, in the order they first appear. */
async function planByResourceIds(q: AdHocQuery, env: WfsEnv): Promise<PlannedQuery[]> {
  const byCollection = new Map<string, { collection: CollectionDescription; ids: string[] }>();
  for (const rid of q.resourceIds ?? []) {
    const collection = await env.types.collectionOfResourceId(rid);
    if (!collection) throw invalidParameterValue('RESOURCEID', `'${rid}' is not the identifier of a feature of any feature type`);
    const entry = byCollection.get(collection.id) ?? { collection, ids: [] };
    entry.ids.push(rid);
    byCollection.set(collection.id, entry);
  }
  return Promise.all([...byCollection.values()].map(({ collection, ids }) => planAdHoc({ ...q, resourceIds: ids }, env, collection)));
}

/** Every query expression of a request as engine queries, in request order. */
export async function planQueries(queries: readonly QueryExpression[], env: WfsEnv, options: PlanOptions): Promise<PlannedQuery[]> {
  const out: PlannedQuery[] = [];
  for (const q of queries) {
    const adHoc = q.kind === 'stored' ? await env.storedQueries.expand(q, env, options.version) : [q];
    for (const a of adHoc) {
      if (a.typeNames.length === 0) out.push(...(await planByResourceIds(a, env)));
      else {
        if (a.typeNames.length > 1) throw invalidParameterValue('typeNames', 'Joins of several feature types in one query are not supported; give one query per type');
        out.push(await planAdHoc(a, env, await env.types.resolve(a.typeNames[0]!, 'typeNames')));
      }
    }
  }
  return out;
}
