/**
 * next/previous links of a GetFeature page (WFS 2.0 §7.7.4.4): the same request as KVP with
 * another STARTINDEX. A KVP request is repeated with its own parameters; an XML request is
 * written as KVP when it can be (queries sharing SRSNAME, SORTBY and PROPERTYNAME, each with a
 * filter or none at all), else it gets no links, which the standard allows.
 */
import type { GetFeatureRequest, GetPropertyValueRequest } from './requests.js';

type PagedRequest = GetFeatureRequest | GetPropertyValueRequest;

const PAGING = new Set(['startindex', 'count', 'maxfeatures']);

function kvpUrl(baseUrl: string, entries: ReadonlyArray<readonly [string, string]>): string {
  const query = entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${baseUrl}?${query}`;
}

/** The request's own parameters without paging, or undefined when it cannot be written as KVP. */
function baseEntries(request: PagedRequest, namespace: { prefix: string; uri: string }): Array<[string, string]> | undefined {
  if (request.origin.binding === 'kvp') return request.origin.entries.filter(([k]) => !PAGING.has(k.toLowerCase()));
  const out: Array<[string, string]> = [
    ['SERVICE', 'WFS'],
    ['VERSION', request.version],
    ['REQUEST', request.operation === 'GetPropertyValue' ? 'GetPropertyValue' : 'GetFeature'],
  ];
  const queries = request.queries;
  if (queries.length === 1 && queries[0]!.kind === 'stored') {
    const q = queries[0]!;
    out.push(['STOREDQUERY_ID', q.id], ...Object.entries(q.parameters));
  } else {
    if (queries.some((q) => q.kind !== 'adhoc')) return undefined;
    const adhoc = queries.flatMap((q) => (q.kind === 'adhoc' ? [q] : []));
    const same = <T>(values: T[]) => values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
    if (!same(adhoc.map((q) => q.srsName)) || !same(adhoc.map((q) => q.sortBy)) || !same(adhoc.map((q) => q.propertyNames))) return undefined;
    const filters = adhoc.map((q) => q.filter?.text);
    if (filters.some((f) => f === undefined) && filters.some((f) => f !== undefined)) return undefined;
    const typeName = (q: (typeof adhoc)[number]) => q.typeNames.map((t) => (t.prefix && t.namespace === namespace.uri ? `${namespace.prefix}:${t.local}` : t.written)).join(',');
    out.push(['TYPENAMES', adhoc.length === 1 ? typeName(adhoc[0]!) : adhoc.map((q) => `(${typeName(q)})`).join('')]);
    out.push(['NAMESPACES', `xmlns(${namespace.prefix},${namespace.uri})`]);
    if (filters[0] !== undefined) out.push(['FILTER', adhoc.length === 1 ? filters[0]! : filters.map((f) => `(${f})`).join('')]);
    const first = adhoc[0]!;
    if (first.srsName) out.push(['SRSNAME', first.srsName]);
    if (first.sortBy) out.push(['SORTBY', first.sortBy.map((s) => `${s.property.written} ${s.direction === 'desc' ? 'DESC' : 'ASC'}`).join(',')]);
    if (first.propertyNames) out.push(['PROPERTYNAME', first.propertyNames.map((p) => p.written).join(',')]);
  }
  if (request.outputFormat) out.push(['OUTPUTFORMAT', request.outputFormat]);
  if (request.operation === 'GetPropertyValue') out.push(['VALUEREFERENCE', request.valueReference]);
  return out;
}

export interface PageLinks {
  next?: string;
  previous?: string;
}

export function pageLinks(
  request: PagedRequest,
  page: { startIndex: number; count: number; numberMatched: number; numberReturned: number },
  baseUrl: string,
  namespace: { prefix: string; uri: string },
): PageLinks {
  const entries = baseEntries(request, namespace);
  if (!entries || page.count === 0) return {};
  const at = (start: number) => kvpUrl(baseUrl, [...entries, ['STARTINDEX', String(start)], ['COUNT', String(page.count)]]);
  const links: PageLinks = {};
  if (page.startIndex + page.numberReturned < page.numberMatched) links.next = at(page.startIndex + page.count);
  if (page.startIndex > 0) links.previous = at(Math.max(0, page.startIndex - page.count));
  return links;
}
