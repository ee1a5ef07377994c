/**
 * The service's routes (mounted at the plugin's path):
 *
 *   GET /  and /description                 collection-level description (step one)
 *   GET /collections                        collection search
 *   GET /collections/{cid}                  a collection: Atom entry, GeoJSON, or ?recordSchema=<format>
 *   GET /collections/{cid}/description      the collection's description (step two)
 *   GET /collections/{cid}/products         product search in the collection
 *   GET /collections/{cid}/products/{pid}   a product: Atom entry, GeoJSON, or ?recordSchema=<format>
 *
 * Every read goes through the engine, which authorizes it for the request's subject: what the
 * subject may not read is absent from results, counts, facets and ranges, and a record it may not
 * read is a 404 like a missing one.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { ExpiringMap } from '../../core/auth/expiring-map.js';
import type { Subject } from '../../core/auth/types.js';
import { MeridianError, NotFound } from '../../core/errors.js';
import { invalidParameterValue, parseKvp, serializeXml } from '../../core/ows/index.js';
import type { Metrics } from '../../core/metrics/types.js';
import type { CatalogueQuery, CatalogueRecord, CatalogueService, FacetValue, SortKey, ValueRange } from '../catalogue/types.js';
import { atomEntryDocument, atomFeedChunks, type EntryInput } from './atom.js';
import { descriptionDocument, type DescriptionSettings } from './description.js';
import { entryEncoding, feedEncoding, metadataWriters, type FeedEncoding } from './formats.js';
import { geojsonChunks, recordFeature } from './geojson.js';
import { ENCODING_MEDIA, entryLinks, pagingLinks, ServiceUrls, withEncoding, withParams, type Link } from './links.js';
import { MEDIA } from './namespaces.js';
import { templateParameters, type SearchLevel, type TemplateParameter } from './params.js';
import { readSearch, type SearchRequest } from './request.js';
import type { SearchResponseHead } from './response.js';

export interface OpenSearchSettings extends DescriptionSettings {
  /** Names the feeds' author. */
  author: string;
  version: string;
  /** Most options (facet values) one parameter lists. */
  facetLimit: number;
  defaultSort: SortKey[];
  /** How long option counts and ranges of a description are reused (per level, collection, subject). */
  descriptionCacheSeconds: number;
}

export interface RouteDeps {
  catalogue: CatalogueService;
  settings: OpenSearchSettings;
  mountPath: string;
  baseUrl(ctx: Context): string;
  metrics: Metrics;
}

const subjectOf = (k: Context): Subject => k.state.subject as Subject;

/** The request as an absolute URL (public base URL, path under the mount, query string). */
function requestUrl(deps: RouteDeps, k: Context): string {
  const rest = k.path.slice(deps.mountPath.length);
  return `${deps.baseUrl(k)}${rest}${k.querystring ? `?${k.querystring}` : ''}`;
}

/** The collection a product-level request names, as the subject may see it; 404 otherwise. */
async function visibleCollection(deps: RouteDeps, k: Context, identifier: string): Promise<CatalogueRecord> {
  const record = await deps.catalogue.get(identifier, subjectOf(k));
  if (!record || record.type !== 'collection') throw new NotFound(`No collection '${identifier}'`);
  return record;
}

function parametersOf(deps: RouteDeps, level: SearchLevel): TemplateParameter[] {
  return templateParameters(level, deps.catalogue.queryables(), deps.settings.sortable.length > 0);
}

/** The records a level searches, for facets and ranges. */
function scope(level: SearchLevel, collection?: string): CatalogueQuery {
  return level === 'collection' ? { type: 'collection' } : { type: 'product', parentIdentifier: collection };
}

/** Option counts and ranges of description documents, reused for descriptionCacheSeconds. */
type DescriptionOptions = Promise<[Record<string, FacetValue[]>, Record<string, ValueRange>]>;
const OPTIONS_CACHE_ENTRIES = 1000;
type OptionsCache = ExpiringMap<string, DescriptionOptions>;

async function description(deps: RouteDeps, optionsCache: OptionsCache, k: Context, level: SearchLevel, collectionId?: string): Promise<void> {
  deps.metrics.setOperation(k, level === 'collection' ? 'Description' : 'CollectionDescription');
  const collection = collectionId === undefined ? undefined : await visibleCollection(deps, k, collectionId);
  const parameters = parametersOf(deps, level);
  const queryables = new Map(deps.catalogue.queryables().map((q) => [q.name, q]));
  const facetProps = parameters.flatMap((p) => (p.queryable && queryables.get(p.queryable)?.facet ? [p.queryable] : []));
  const ranged = (name: string | undefined) => name !== undefined && ['number', 'timestamp'].includes(queryables.get(name)?.type ?? '');
  const rangeProps = [...new Set(['start', 'end', ...parameters.flatMap((p) => (p.coverage ? [p.coverage.min, p.coverage.max] : ranged(p.queryable) ? [p.queryable!] : []))])];
  const subject = subjectOf(k);
  // What the subject may read decides the counts: one cache entry per subject (its id and groups).
  const key = [level, collectionId ?? '', subject.anonymous ? '' : `${subject.issuer}|${subject.id}`, [...subject.groups].sort().join(',')].join('\u0000');
  let options = optionsCache.get(key);
  if (!options) {
    options = Promise.all([
      deps.catalogue.facets(scope(level, collectionId), subject, facetProps),
      deps.catalogue.ranges(scope(level, collectionId), subject, rangeProps.filter((r) => queryables.has(r))),
    ]);
    // Requests arriving while it is counted wait for the same answer; a failure is not kept.
    optionsCache.set(key, options, deps.settings.descriptionCacheSeconds * 1000);
    options.catch(() => optionsCache.delete(key));
  }
  const [counted, ranges] = await options;
  const facets = Object.fromEntries(Object.entries(counted).map(([name, values]) => [name, values.slice(0, deps.settings.facetLimit)]));
  const doc = descriptionDocument({ level, urls: new ServiceUrls(deps.baseUrl(k)), parameters, facets, ranges, collection, settings: deps.settings });
  k.type = MEDIA.description;
  k.body = serializeXml(doc);
}

/** Engine errors about the page are the count parameter's here. */
async function runSearch(deps: RouteDeps, query: CatalogueQuery, subject: Subject) {
  try {
    return await deps.catalogue.search(query, subject);
  } catch (err) {
    if (err instanceof MeridianError && err.locator === 'limit') throw invalidParameterValue('count', `Parameter 'count' is more than the catalogue serves: ${err.message}`);
    throw err;
  }
}

/**
 * A page's response as one body: its entries are encoded before the first byte goes out (an
 * encoder error is then a clean error response) and a page is bounded by maxRecords, so sending it
 * in one write costs no memory that streaming would save, and spares a write per entry.
 */
function sendPage(k: Context, type: string, chunks: string[]): void {
  k.type = type;
  k.body = chunks.join('');
}

async function search(deps: RouteDeps, k: Context, level: SearchLevel, collectionId?: string): Promise<void> {
  deps.metrics.setOperation(k, level === 'collection' ? 'CollectionSearch' : 'ProductSearch');
  const kvp = parseKvp(k.querystring);
  const encoding = feedEncoding(kvp, k.get('Accept'));
  const request: SearchRequest = readSearch(kvp, level, parametersOf(deps, level), { ...deps.settings, parentIdentifier: collectionId });
  const subject = subjectOf(k);
  // The collection and its products are read at once: a collection the subject may not see is a
  // 404 either way (and then holds no product it could see).
  const [collection, result] = await Promise.all([collectionId === undefined ? undefined : visibleCollection(deps, k, collectionId), runSearch(deps, request.query, subject)]);
  const urls = new ServiceUrls(deps.baseUrl(k));
  const self = requestUrl(deps, k);
  const media = ENCODING_MEDIA[encoding];
  const other: FeedEncoding = encoding === 'atom' ? 'geojson' : 'atom';
  const descriptionUrl = collection ? urls.collectionDescription(collection.identifier) : urls.description();
  const links: Link[] = [
    ...pagingLinks(self, { total: result.numberMatched, count: request.count, startIndex: request.startIndex }, media),
    { rel: 'search', href: descriptionUrl, type: MEDIA.description, title: 'OpenSearch description document' },
    { rel: 'alternate', href: withEncoding(self, other), type: ENCODING_MEDIA[other], title: other === 'atom' ? 'Atom' : 'GeoJSON' },
  ];
  if (collection) links.push({ rel: 'up', href: withEncoding(urls.collection(collection.identifier), encoding), type: media, title: `Collection ${collection.identifier}` });
  const writers = metadataWriters(deps.catalogue.formats);
  const title = collection ? `Products of ${collection.title ?? collection.identifier}` : `${deps.settings.longName}: collections`;
  const head: SearchResponseHead = {
    id: self,
    title,
    author: deps.settings.author,
    updated: new Date().toISOString(),
    links,
    totalResults: result.numberMatched,
    startIndex: request.startIndex,
    itemsPerPage: request.count,
    query: request.applied,
  };
  if (encoding === 'atom') {
    const entries: EntryInput[] = result.records.map((record) => ({ record, url: urls.entry(record), links: entryLinks(record, urls, writers, 'atom') }));
    sendPage(k, MEDIA.atom, atomFeedChunks({ ...head, generatorVersion: deps.settings.version, searchBbox: request.query.bbox, entries }));
    return;
  }
  const format = deps.catalogue.formats.find('ogc17-003');
  // Every feature is encoded before the first byte goes out, so an encoder error is a clean error response.
  const features = result.records.map((record) => recordFeature(format, record, withEncoding(urls.entry(record), 'geojson'), entryLinks(record, urls, writers, 'geojson')));
  sendPage(k, MEDIA.geojson, geojsonChunks({ ...head, features }));
}

async function entry(deps: RouteDeps, k: Context, collectionId: string, productId?: string): Promise<void> {
  deps.metrics.setOperation(k, productId === undefined ? 'GetCollection' : 'GetProduct');
  const subject = subjectOf(k);
  const kvp = parseKvp(k.querystring);
  const encoding = entryEncoding(kvp, k.get('Accept'), deps.catalogue.formats);
  let record: CatalogueRecord;
  if (productId === undefined) {
    record = await visibleCollection(deps, k, collectionId);
  } else {
    const found = await deps.catalogue.get(productId, subject);
    if (!found || found.type !== 'product' || found.parentIdentifier !== collectionId) throw new NotFound(`No product '${productId}' in collection '${collectionId}'`);
    record = found;
  }
  const urls = new ServiceUrls(deps.baseUrl(k));
  const url = urls.entry(record);
  const writers = metadataWriters(deps.catalogue.formats);
  if (encoding.kind === 'metadata') {
    const { format } = encoding;
    const text = deps.catalogue.formats.encode(format.name, record, { asReceived: true, selfUrl: withParams(url, { recordSchema: format.name }), links: entryLinks(record, urls, writers, 'atom') });
    const xml = format.toXml !== undefined;
    k.type = format.mediaType;
    k.body = xml && !text.trimStart().startsWith('<?xml') ? `<?xml version="1.0" encoding="UTF-8"?>${text}` : text;
    return;
  }
  if (encoding.encoding === 'atom') {
    k.type = `${MEDIA.atom};type=entry`;
    k.body = atomEntryDocument({ record, url, links: entryLinks(record, urls, writers, 'atom') });
    return;
  }
  k.type = MEDIA.geojson;
  k.body = recordFeature(deps.catalogue.formats.find('ogc17-003'), record, withEncoding(url, 'geojson'), entryLinks(record, urls, writers, 'geojson'), true);
}

export function openSearchRoutes(deps: RouteDeps): Router {
  const optionsCache: OptionsCache = new ExpiringMap(OPTIONS_CACHE_ENTRIES);
  const router = new Router();
  router.get('/', (k) => description(deps, optionsCache, k, 'collection'));
  router.get('/description', (k) => description(deps, optionsCache, k, 'collection'));
  router.get('/collections', (k) => search(deps, k, 'collection'));
  router.get('/collections/:cid', (k) => entry(deps, k, k.params.cid!));
  router.get('/collections/:cid/description', (k) => description(deps, optionsCache, k, 'product', k.params.cid!));
  router.get('/collections/:cid/products', (k) => search(deps, k, 'product', k.params.cid!));
  router.get('/collections/:cid/products/:pid', (k) => entry(deps, k, k.params.cid!, k.params.pid!));
  return router;
}
