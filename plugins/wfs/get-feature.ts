/**
 * GetFeature (WFS 2.0 §11, 1.1.0 §9): the queries are planned (query-plan.ts), counted and read
 * page by page (results.ts), and written as they come: wfs:FeatureCollection with wfs:member
 * (2.0, GML 3.2, numberMatched / numberReturned / next / previous) or gml:featureMember (1.1.0,
 * GML 3.1.1, numberOfFeatures), or a GeoJSON FeatureCollection. resultType=hits counts only.
 * GetFeatureById answers with the feature itself, or NotFound.
 */
import { escapeXmlAttr } from '../../core/ows/index.js';
import { textResponse } from '../../core/server/text-response.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { featureJson, crsMember } from './encoders/geojson.js';
import { featureXml } from './encoders/gml.js';
import { wfsException } from './exceptions.js';
import { pageLinks, type PageLinks } from './links.js';
import { chooseFeatureFormat, type ChosenFormat } from './output-formats.js';
import { planQueries, type PlannedQuery } from './query-plan.js';
import type { GetFeatureRequest } from './requests.js';
import { countMatches, openPage, type ResultPage } from './results.js';
import { isGetFeatureById } from './stored-queries.js';
import { NS, PROFILES, type WfsVersion } from './versions.js';

/** The application schema of the types a response holds, as a DescribeFeatureType URL. */
export function describeUrl(env: WfsEnv, version: WfsVersion, plans: readonly PlannedQuery[]): string {
  const names = [...new Set(plans.map((p) => env.types.qname(p.collection)))];
  const ns = env.types.namespace;
  const typeParam = version === '2.0.0' ? 'TYPENAMES' : 'TYPENAME';
  const nsParam = version === '2.0.0' ? `NAMESPACES=xmlns(${ns.prefix},${encodeURIComponent(ns.uri)})` : `NAMESPACE=xmlns(${ns.prefix}=${encodeURIComponent(ns.uri)})`;
  return `${env.baseUrl}?SERVICE=WFS&VERSION=${version}&REQUEST=DescribeFeatureType&${typeParam}=${names.map(encodeURIComponent).join(',')}&${nsParam}`;
}

/** xmlns and xsi:schemaLocation of a response root element holding features. */
export function rootNamespaces(env: WfsEnv, version: WfsVersion, plans: readonly PlannedQuery[]): string {
  const profile = PROFILES[version];
  const ns = env.types.namespace;
  const locations = [profile.wfsSchema, ...(plans.length > 0 ? [`${ns.uri} ${describeUrl(env, version, plans)}`] : [])].join(' ');
  return (
    ` xmlns:wfs="${profile.wfsNs}" xmlns:gml="${profile.gmlNs}" xmlns:${ns.prefix}="${escapeXmlAttr(ns.uri)}"` +
    ` xmlns:xlink="${NS.xlink}" xmlns:xsi="${NS.xsi}" xsi:schemaLocation="${escapeXmlAttr(locations)}"`
  );
}

const timeStamp = () => new Date().toISOString();

/**
 * Features are written in chunks of about this many characters: a chunk per feature would cost
 * a stream write (a Buffer, a promise, a pass through the pipeline) each; one per response
 * would hold an export in memory.
 */
const CHUNK_CHARS = 32 * 1024;

function attr(name: string, value: string | number | undefined): string {
  return value === undefined ? '' : ` ${name}="${escapeXmlAttr(String(value))}"`;
}

/** What GetFeatureWithLock adds to a collection: its lock, and the matches of the queries before locking narrowed them. */
export interface CollectionExtras {
  lockId?: string;
  numberMatched?: number;
}

async function* gmlCollection(env: WfsEnv, version: WfsVersion, plans: PlannedQuery[], page: ResultPage, links: PageLinks, extras: CollectionExtras): AsyncGenerator<string> {
  const prefix = env.types.namespace.prefix;
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection' + rootNamespaces(env, version, plans) + attr('lockId', extras.lockId);
  if (version === '2.0.0') {
    yield `${head}${attr('timeStamp', timeStamp())}${attr('numberMatched', extras.numberMatched ?? page.numberMatched)}${attr('numberReturned', page.numberReturned)}${attr('next', links.next)}${attr('previous', links.previous)}>`;
  } else {
    yield `${head}${attr('numberOfFeatures', page.numberReturned)}${attr('timeStamp', timeStamp())}>`;
  }
  const member = version === '2.0.0' ? 'wfs:member' : 'gml:featureMember';
  let written = 0;
  let chunk = '';
  for await (const { feature, plan } of page.features()) {
    if (written++ >= page.numberReturned) break;
    chunk += `<${member}>${featureXml(feature, plan, prefix)}</${member}>`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}</wfs:FeatureCollection>`;
}

async function* jsonCollection(plans: PlannedQuery[], page: ResultPage, links: PageLinks, format: ChosenFormat, extras: CollectionExtras): AsyncGenerator<string> {
  const linkList = [
    ...(links.next ? [{ href: links.next, rel: 'next', type: format.contentType, title: 'next page' }] : []),
    ...(links.previous ? [{ href: links.previous, rel: 'prev', type: format.contentType, title: 'previous page' }] : []),
  ];
  const crs = plans[0] ? crsMember(plans[0]) : undefined;
  const head: Record<string, unknown> = { type: 'FeatureCollection', timeStamp: timeStamp(), numberMatched: extras.numberMatched ?? page.numberMatched, numberReturned: page.numberReturned };
  if (extras.lockId !== undefined) head.lockId = extras.lockId;
  if (linkList.length > 0) head.links = linkList;
  if (crs) head.crs = crs;
  yield `${JSON.stringify(head).slice(0, -1)},"features":[`;
  let written = 0;
  let chunk = '';
  for await (const { feature, plan } of page.features()) {
    if (written >= page.numberReturned) break;
    chunk += (written++ === 0 ? '' : ',') + featureJson(feature, plan);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}]}`;
}

function hitsResponse(env: WfsEnv, version: WfsVersion, plans: PlannedQuery[], matched: number, format: ChosenFormat): WfsResponse {
  if (format.encoding === 'json') {
    return { contentType: format.contentType, body: JSON.stringify({ type: 'FeatureCollection', timeStamp: timeStamp(), numberMatched: matched, numberReturned: 0, features: [] }) };
  }
  const counts = version === '2.0.0' ? `${attr('numberMatched', matched)}${attr('numberReturned', 0)}` : attr('numberOfFeatures', matched);
  return {
    contentType: format.contentType,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection${rootNamespaces(env, version, plans)}${attr('timeStamp', timeStamp())}${counts}/>`,
  };
}

/** GetFeatureById (WFS 2.0 §7.9.3.6): the one feature, with its namespaces on it; NotFound (404) without it. */
async function featureById(env: WfsEnv, version: WfsVersion, plans: PlannedQuery[], format: ChosenFormat, id: string): Promise<WfsResponse> {
  const page = await openPage(plans, 0, 1, env);
  let found: { feature: import('../features/types.js').Feature; plan: PlannedQuery } | undefined;
  for await (const item of page.features()) {
    found = item;
    break;
  }
  if (!found) throw wfsException('NotFound', `No feature '${id}'`, 'ID');
  if (format.encoding === 'json') return { contentType: format.contentType, body: featureJson(found.feature, found.plan) };
  const xml = featureXml(found.feature, found.plan, env.types.namespace.prefix);
  // The namespaces go on the feature element itself (its first tag).
  const at = xml.indexOf(' ');
  return { contentType: format.contentType, body: `<?xml version="1.0" encoding="UTF-8"?>\n${xml.slice(0, at)}${rootNamespaces(env, version, [found.plan])}${xml.slice(at)}` };
}

export async function getFeature(request: GetFeatureRequest, env: WfsEnv): Promise<WfsResponse> {
  const version = request.version;
  const format = chooseFeatureFormat(request.outputFormat, version);
  const plans = await planQueries(request.queries, env, { version });
  const only = request.queries.length === 1 ? request.queries[0] : undefined;
  if (only?.kind === 'stored' && isGetFeatureById(only.id)) return featureById(env, version, plans, format, String(Object.entries(only.parameters).find(([k]) => k.toLowerCase() === 'id')?.[1] ?? ''));
  if (request.resultType === 'hits') {
    let matched = 0;
    for (const plan of plans) matched += await countMatches(plan, env);
    return hitsResponse(env, version, plans, matched, format);
  }
  const count = Math.min(request.count ?? env.config.defaultCount, env.config.maxCount);
  const page = await openPage(plans, request.startIndex, count, env);
  const links = version === '2.0.0' ? pageLinks(request, { startIndex: request.startIndex, count, numberMatched: page.numberMatched, numberReturned: page.numberReturned }, env.baseUrl, env.types.namespace) : {};
  return collectionResponse(env, version, plans, page, links, format, {});
}

/** A page of features in the chosen format: held and written at once when small, else streamed. */
export async function collectionResponse(env: WfsEnv, version: WfsVersion, plans: PlannedQuery[], page: ResultPage, links: PageLinks, format: ChosenFormat, extras: CollectionExtras): Promise<WfsResponse> {
  const chunks = format.encoding === 'json' ? jsonCollection(plans, page, links, format, extras) : gmlCollection(env, version, plans, page, links, extras);
  return { contentType: format.contentType, body: await textResponse(chunks) };
}
