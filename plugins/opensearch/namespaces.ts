/** The namespaces OpenSearch documents are written in (URIs as the specifications give them). */
import { NS } from '../../core/ows/index.js';

export const OS_NS = {
  os: 'http://a9.com/-/spec/opensearch/1.1/',
  geo: 'http://a9.com/-/opensearch/extensions/geo/1.0/',
  time: 'http://a9.com/-/opensearch/extensions/time/1.0/',
  eo: 'http://a9.com/-/opensearch/extensions/eo/1.0/',
  /** OpenSearch Parameter extension, 1.0 Draft 2. */
  param: 'http://a9.com/-/spec/opensearch/extensions/parameters/1.0/',
  /** SRU 2.0 response namespace, whose `sortKeys` the sort parameter borrows. */
  sru: 'http://docs.oasis-open.org/ns/search-ws/sruResponse',
  atom: 'http://www.w3.org/2005/Atom',
  dc: NS.dc,
  georss: 'http://www.georss.org/georss',
  /** GML 3.1.1, as GeoRSS GML uses it. */
  gml: NS.gml,
  /** OWS Context Atom encoding (OGC 12-084r2): offerings in Atom entries. */
  owc: 'http://www.opengis.net/owc/1.0',
} as const;

export type OsPrefix = keyof typeof OS_NS;

/** xmlns attributes for the given prefixes. */
export function xmlns(prefixes: readonly OsPrefix[], defaultPrefix?: OsPrefix): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (defaultPrefix) attrs.xmlns = OS_NS[defaultPrefix];
  for (const p of prefixes) if (p !== defaultPrefix) attrs[`xmlns:${p}`] = OS_NS[p];
  return attrs;
}

export const MEDIA = {
  description: 'application/opensearchdescription+xml',
  atom: 'application/atom+xml',
  geojson: 'application/geo+json',
  json: 'application/json',
} as const;
