/**
 * The KVP binding (GET query strings and application/x-www-form-urlencoded POSTs): WFS 2.0 §7.6
 * and Tables 5-10, WFS 1.1.0 §14. Names are case-insensitive (core/ows KVP). Both versions'
 * spellings are accepted in both (TYPENAMES/TYPENAME, COUNT/MAXFEATURES, RESOURCEID/FEATUREID),
 * since clients mix them. Several queries are written as parenthesised lists: TYPENAMES=(a)(b)
 * with FILTER=(<Filter/>)(<Filter/>).
 */
import { invalidParameterValue, missingParameterValue, type KvpParams } from '../../core/ows/index.js';
import { filterFromText } from './filter-text.js';
import { parseNamespacesParameter, writtenName, type NamespaceScope } from './names.js';
import type { RequestHead } from './request-head.js';
import type { AdHocQuery, FilterInput, GetFeatureRequest, LockAction, LockFeatureRequest, QueryExpression, SortSpec, WfsRequest, WrittenName } from './requests.js';
import type { WfsVersion } from './versions.js';

/** GetFeature parameters that are not stored query parameters. */
const STANDARD_GETFEATURE = new Set(
  ['SERVICE', 'VERSION', 'REQUEST', 'NAMESPACES', 'NAMESPACE', 'STOREDQUERY_ID', 'COUNT', 'MAXFEATURES', 'STARTINDEX', 'RESULTTYPE', 'OUTPUTFORMAT', 'RESOLVE', 'RESOLVEDEPTH', 'RESOLVETIMEOUT', 'SRSNAME', 'VALUEREFERENCE', 'RESOLVEPATH', 'LOCKID', 'EXPIRY', 'LOCKACTION'].map((n) => n.toLowerCase()),
);

function first(kvp: KvpParams, ...names: string[]): string | undefined {
  for (const name of names) if (kvp.has(name)) return name;
  return undefined;
}

function scopeOf(kvp: KvpParams): Record<string, string> {
  const name = first(kvp, 'NAMESPACES', 'NAMESPACE');
  return name ? parseNamespacesParameter(kvp.optional(name), name) : {};
}

function names(items: string[], scope: NamespaceScope): WrittenName[] {
  return items.flatMap((t) => t.split(/\s+/)).filter((t) => t !== '').map((t) => writtenName(t, scope));
}

/** FILTER=(<f/>)(<f/>) for several queries, else one filter. */
function splitFilters(value: string): string[] {
  const v = value.trim();
  if (!v.startsWith('(')) return [v];
  if (!v.endsWith(')')) throw invalidParameterValue('FILTER', 'FILTER must be one filter or a list of parenthesised filters');
  return v.slice(1, -1).split(/\)\s*\(\s*(?=<)/).map((f) => f.trim());
}

/** SORTBY=name ASC,pop DESC (2.0) or name A,pop D (1.1.0); the direction defaults to ascending. */
function sortBy(value: string, scope: NamespaceScope): SortSpec[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const [name, order, extra] = item.split(/\s+|\+/);
      if (extra !== undefined || !name) throw invalidParameterValue('SORTBY', `SORTBY item '${item}' must be a property name and ASC or DESC`);
      const o = (order ?? 'ASC').toUpperCase();
      if (!['ASC', 'DESC', 'A', 'D'].includes(o)) throw invalidParameterValue('SORTBY', `Sort order '${order}' must be ASC or DESC`);
      return { property: writtenName(name, scope), direction: o.startsWith('D') ? 'desc' : 'asc' };
    });
}

/** A per-query parameter: one value for every query, or one per query. */
function perQuery<T>(values: T[], count: number, name: string): Array<T | undefined> {
  if (values.length === 0) return Array.from({ length: count }, () => undefined);
  if (values.length === 1) return Array.from({ length: count }, () => values[0]);
  if (values.length !== count) throw invalidParameterValue(name, `${name} has ${values.length} lists for ${count} queries`);
  return values;
}

function exclusive(kvp: KvpParams, names: string[]): void {
  const given = names.filter((n) => kvp.has(n) && (kvp.optional(n) ?? '').trim() !== '');
  if (given.length > 1) throw invalidParameterValue(given[1]!, `${given.join(' and ')} are mutually exclusive`);
}

function queriesOf(kvp: KvpParams, version: WfsVersion, scope: NamespaceScope): QueryExpression[] {
  const storedId = kvp.optional('STOREDQUERY_ID');
  const srsName = kvp.optional('SRSNAME')?.trim() || undefined;
  if (storedId !== undefined && storedId.trim() !== '') {
    const parameters: Record<string, string> = {};
    for (const name of kvp.names()) if (!STANDARD_GETFEATURE.has(name.toLowerCase())) parameters[name] = kvp.optional(name) ?? '';
    return [{ kind: 'stored', id: storedId.trim(), parameters, caseInsensitive: true, srsName }];
  }
  exclusive(kvp, ['FILTER', 'QUERY', 'BBOX', 'RESOURCEID']);
  exclusive(kvp, ['FILTER', 'BBOX', 'FEATUREID']);
  const typeParam = first(kvp, 'TYPENAMES', 'TYPENAME') ?? 'TYPENAMES';
  const groups = kvp.groupedList(typeParam).map((g) => names(g, scope)).filter((g) => g.length > 0);
  const idParam = first(kvp, 'RESOURCEID', 'FEATUREID') ?? 'RESOURCEID';
  const resourceIds = kvp.list(idParam).map((id) => id.trim()).filter((id) => id !== '');
  if (groups.length === 0 && resourceIds.length === 0) throw missingParameterValue(version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME');
  // OWSLib's WFS 2.0 GET sends its filter as QUERY: taken as FILTER when FILTER is absent.
  const filterText = kvp.optional('FILTER') ?? (kvp.optional('QUERY')?.trim().startsWith('<') ? kvp.optional('QUERY') : undefined);
  const filters: FilterInput[] = filterText && filterText.trim() !== '' ? splitFilters(filterText).map((f) => filterFromText(f, version, scope, 'FILTER')) : [];
  const bbox = kvp.list('BBOX');
  const properties = kvp.has('PROPERTYNAME') ? kvp.groupedList('PROPERTYNAME').map((g) => names(g, scope)) : [];
  const sorts = kvp.has('SORTBY') ? [sortBy(kvp.required('SORTBY'), scope)] : [];
  if (groups.length === 0) {
    // RESOURCEID alone: the ids name their feature types.
    return [{ kind: 'adhoc', typeNames: [], resourceIds, srsName, propertyNames: properties[0], sortBy: sorts[0] }];
  }
  const filterOf = perQuery(filters, groups.length, 'FILTER');
  const propertiesOf = perQuery(properties, groups.length, 'PROPERTYNAME');
  // A comma list inside one group would be a join (WFS 2.0 §7.9.2.5.3), which is not offered: each name is its own query.
  return groups.flatMap((group, i) =>
    group.map(
      (typeName): AdHocQuery => ({
        kind: 'adhoc',
        typeNames: [typeName],
        filter: filterOf[i],
        bbox: bbox.length > 0 ? bbox : undefined,
        resourceIds: resourceIds.length > 0 ? resourceIds : undefined,
        sortBy: sorts[0],
        propertyNames: propertiesOf[i],
        srsName,
      }),
    ),
  );
}

function entriesOf(kvp: KvpParams): Array<[string, string]> {
  return kvp.names().flatMap((name) => kvp.all(name).map((value): [string, string] => [name, value]));
}

function getFeature(kvp: KvpParams, version: WfsVersion): GetFeatureRequest {
  const scope = scopeOf(kvp);
  const countParam = first(kvp, 'COUNT', 'MAXFEATURES') ?? 'COUNT';
  return {
    operation: 'GetFeature',
    version,
    origin: { binding: 'kvp', entries: entriesOf(kvp) },
    queries: queriesOf(kvp, version, scope),
    count: kvp.optionalInt(countParam, { min: 0 }),
    startIndex: kvp.optionalInt('STARTINDEX', { min: 0 }) ?? 0,
    resultType: kvp.has('RESULTTYPE') ? kvp.oneOf('RESULTTYPE', ['results', 'hits'] as const, { caseInsensitive: true }) : 'results',
    outputFormat: kvp.optional('OUTPUTFORMAT')?.trim() || undefined,
    namespaces: scope,
  };
}

const lockActionOf = (kvp: KvpParams): LockAction => (kvp.has('LOCKACTION') ? kvp.oneOf('LOCKACTION', ['ALL', 'SOME'] as const, { caseInsensitive: true }) : 'ALL');

/**
 * LockFeature (2.0 Table 25, 1.1.0 Table 14): the query parameters of GetFeature, or (2.0) LOCKID
 * alone to restart an existing lock's expiry; EXPIRY and LOCKACTION.
 */
function lockFeature(kvp: KvpParams, version: WfsVersion): LockFeatureRequest {
  const lockId = kvp.optional('LOCKID')?.trim() || undefined;
  const hasQuery = ['TYPENAMES', 'TYPENAME', 'RESOURCEID', 'FEATUREID', 'STOREDQUERY_ID'].some((n) => kvp.has(n) && (kvp.optional(n) ?? '').trim() !== '');
  if (lockId !== undefined && hasQuery) throw invalidParameterValue('LOCKID', 'LOCKID renews an existing lock and takes no query; give one or the other');
  return {
    operation: 'LockFeature',
    version,
    queries: lockId !== undefined ? [] : queriesOf(kvp, version, scopeOf(kvp)),
    lockId,
    expiry: kvp.optionalInt('EXPIRY', { min: 1 }),
    lockAction: lockActionOf(kvp),
  };
}

/** The head of a KVP request: what the pipeline checks before the operation's own parameters are read. */
export function kvpHead(kvp: KvpParams): RequestHead {
  return {
    binding: 'kvp',
    operation: kvp.optional('REQUEST'),
    service: kvp.optional('SERVICE'),
    version: kvp.optional('VERSION'),
    acceptVersions: kvp.has('ACCEPTVERSIONS') ? kvp.list('ACCEPTVERSIONS') : undefined,
    parse(operation, version): WfsRequest {
      switch (operation) {
        case 'GetCapabilities':
          return {
            operation,
            acceptVersions: kvp.has('ACCEPTVERSIONS') ? kvp.list('ACCEPTVERSIONS') : undefined,
            sections: kvp.has('SECTIONS') ? kvp.list('SECTIONS') : undefined,
            acceptFormats: kvp.has('ACCEPTFORMATS') ? kvp.list('ACCEPTFORMATS') : undefined,
            updateSequence: kvp.optional('UPDATESEQUENCE'),
          };
        case 'DescribeFeatureType': {
          const param = first(kvp, 'TYPENAMES', 'TYPENAME') ?? 'TYPENAMES';
          return { operation, version: version!, typeNames: names(kvp.list(param), scopeOf(kvp)), outputFormat: kvp.optional('OUTPUTFORMAT')?.trim() || undefined };
        }
        case 'GetFeature':
          return getFeature(kvp, version!);
        case 'GetPropertyValue': {
          const request = getFeature(kvp, version!);
          return { ...request, operation: 'GetPropertyValue', valueReference: kvp.required('VALUEREFERENCE') };
        }
        case 'GetFeatureWithLock':
          return { ...getFeature(kvp, version!), operation: 'GetFeatureWithLock', expiry: kvp.optionalInt('EXPIRY', { min: 1 }), lockAction: lockActionOf(kvp) };
        case 'LockFeature':
          return lockFeature(kvp, version!);
        case 'ListStoredQueries':
          return { operation, version: version! };
        case 'DescribeStoredQueries':
          return { operation, version: version!, ids: kvp.list(first(kvp, 'STOREDQUERY_ID', 'STOREDQUERYID') ?? 'STOREDQUERY_ID').map((s) => s.trim()).filter((s) => s !== '') };
        case 'Transaction':
          throw invalidParameterValue('REQUEST', 'Transaction requests are XML documents sent with POST');
        default:
          throw invalidParameterValue('REQUEST', `${operation} is not offered`);
      }
    },
  };
}
