/**
 * Reading each kind of Harvest source into records, bounded by harvest.maxRecords (a source
 * holding more is refused before anything is written):
 * - a CSW (2.0.2 or 3.0): its capabilities give the GetRecords POST endpoint; csw:Record pages
 *   (ElementSetName full) are read until nextRecord is 0;
 * - an ISO 19139 document;
 * - OpenSearch: a description document (its GeoJSON template first, else Atom), a GeoJSON
 *   FeatureCollection or an Atom feed, following `next` links. An Atom entry linking to a
 *   document a catalogue format reads (ISO 19139, 17-003 GeoJSON, STAC) is read from there,
 *   otherwise from the entry itself (harvest-atom.ts).
 * Every document is decoded by catalogue.formats.
 */
import { el, invalidParameterValue, OwsException, parseXmlElementTree, serializeXml, serializeXmlTreeNode, type XmlTreeNode } from '../../core/ows/index.js';
import type { CatalogueRecordInput } from '../catalogue/types.js';
import type { CswEnv } from './context.js';
import { atomEntryRecord, atomLinks } from './harvest-atom.js';
import { CSW_NS } from './namespaces.js';
import { fetchRemote, type FetchedDocument } from './remote-fetch.js';
import { asOwsError } from './transaction.js';

const PAGE_SIZE = 100;
const OPENSEARCH_PARAMETERS = 'http://a9.com/-/spec/opensearch/extensions/parameters/1.0/';

export class HarvestSession {
  readonly records: CatalogueRecordInput[] = [];
  private fetches = 0;

  constructor(
    readonly env: CswEnv,
    readonly owner: string | undefined,
  ) {}

  get limits() {
    return this.env.config.harvest;
  }

  /** Every remote request of one Harvest counts against one budget (pages plus linked documents). */
  async fetch(url: string, request?: Parameters<typeof fetchRemote>[2]): Promise<FetchedDocument> {
    if (++this.fetches > this.limits.maxRecords + 100) throw invalidParameterValue('Source', 'The source needs more requests than one Harvest makes');
    return fetchRemote(url, this.limits, request);
  }

  add(records: CatalogueRecordInput[]): void {
    if (this.records.length + records.length > this.limits.maxRecords) throw tooMany(this.limits.maxRecords);
    this.records.push(...records);
  }

  /** Records of one document, in whichever catalogue format reads it (or the one named). */
  decode(doc: FetchedDocument, format?: string): CatalogueRecordInput[] {
    try {
      return this.env.catalogue.formats.decode({ text: doc.text, source: doc.url }, { owner: this.owner, format }).records;
    } catch (err) {
      throw asOwsError(err, 'Source');
    }
  }

  xml(doc: FetchedDocument): XmlTreeNode {
    try {
      return parseXmlElementTree(doc.text, { code: 'InvalidParameterValue', locator: 'Source', maxBytes: this.limits.maxBytes });
    } catch (err) {
      throw invalidParameterValue('Source', `${doc.url} is not XML: ${(err as Error).message}`);
    }
  }
}

/** A link found in a remote document, resolved against it; one that is no URL is the source's fault. */
function linkUrl(href: string, base: string): string {
  try {
    return new URL(href, base).href;
  } catch {
    throw invalidParameterValue('Source', `${base} links to '${href}', which is not a URL`);
  }
}

function tooMany(max: number): OwsException {
  return invalidParameterValue('Source', `The source holds more than ${max} records, the most one Harvest brings (plugins.csw.harvest.maxRecords); nothing was harvested`);
}

/** An ows:ExceptionReport from the remote service, as an error naming its text. */
function remoteException(root: XmlTreeNode, url: string): OwsException | undefined {
  if (root.name !== 'ExceptionReport') return undefined;
  const text = root.children[0]?.children.find((c) => c.name === 'ExceptionText')?.text ?? 'no text';
  return new OwsException('NoApplicableCode', `The source answered with an exception: ${text} (${url})`, { status: 502, locator: 'Source', expose: true });
}

/** The GetRecords POST endpoint a CSW's capabilities name (the source itself if they name none). */
async function getRecordsEndpoint(session: HarvestSession, source: string, version: '2.0.2' | '3.0.0'): Promise<string> {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw invalidParameterValue('Source', `Source '${source}' is not an absolute URL`);
  }
  if (![...url.searchParams.keys()].some((k) => k.toLowerCase() === 'request')) {
    url.searchParams.set('service', 'CSW');
    url.searchParams.set('request', 'GetCapabilities');
    url.searchParams.set(version === '3.0.0' ? 'acceptVersions' : 'version', version);
  }
  const doc = await session.fetch(url.href);
  const root = session.xml(doc);
  const failure = remoteException(root, doc.url);
  if (failure) throw failure;
  if (root.name !== 'Capabilities') throw invalidParameterValue('Source', `${doc.url} is not a CSW capabilities document (root ${root.name})`);
  const op = root.children.find((c) => c.name === 'OperationsMetadata')?.children.find((c) => c.name === 'Operation' && c.attrs.name === 'GetRecords');
  const post = op?.children.find((c) => c.name === 'DCP')?.children.find((c) => c.name === 'HTTP')?.children.find((c) => c.name === 'Post');
  const href = post?.attrs.href;
  if (href) return linkUrl(href, doc.url);
  const bare = new URL(doc.url);
  bare.search = '';
  return bare.href;
}

export async function harvestCsw(session: HarvestSession, source: string, version: '2.0.2' | '3.0.0'): Promise<void> {
  const namespace = version === '3.0.0' ? CSW_NS.csw30 : CSW_NS.csw202;
  const endpoint = await getRecordsEndpoint(session, source, version);
  let start = 1;
  for (;;) {
    const request = el(
      'csw:GetRecords',
      { 'xmlns:csw': namespace, service: 'CSW', version, resultType: version === '2.0.2' ? 'results' : undefined, outputSchema: namespace, startPosition: start, maxRecords: PAGE_SIZE },
      el('csw:Query', { typeNames: 'csw:Record' }, el('csw:ElementSetName', null, 'full')),
    );
    const doc = await session.fetch(endpoint, { method: 'POST', body: serializeXml(request), headers: { 'Content-Type': 'application/xml; charset=UTF-8' } });
    const root = session.xml(doc);
    const failure = remoteException(root, doc.url);
    if (failure) throw failure;
    const results = root.children.find((c) => c.name === 'SearchResults');
    if (root.name !== 'GetRecordsResponse' || !results) throw invalidParameterValue('Source', `${doc.url} did not answer GetRecords with a GetRecordsResponse`);
    const matched = Number(results.attrs.numberOfRecordsMatched);
    if (Number.isFinite(matched) && matched > session.limits.maxRecords) throw tooMany(session.limits.maxRecords);
    for (const record of results.children) session.add(session.decode({ url: doc.url, contentType: 'application/xml', text: serializeXmlTreeNode(record) }));
    const next = Number(results.attrs.nextRecord ?? 0);
    // A server that does not move forward would loop: stop at what it gave.
    if (!Number.isInteger(next) || next <= start || results.children.length === 0 || (Number.isFinite(matched) && next > matched)) return;
    start = next;
  }
}

export async function harvestIso(session: HarvestSession, source: string): Promise<void> {
  const doc = await session.fetch(source);
  session.add(session.decode(doc, 'iso19139'));
}

/** Media types of documents some catalogue format decodes, for following Atom entries' links. */
function decodableTypes(session: HarvestSession): Set<string> {
  return new Set(session.env.catalogue.formats.list().filter((f) => f.decode).map((f) => f.mediaType));
}

/** A description document's template, filled for the first page (optional parameters left empty). */
function templateUrl(osdd: XmlTreeNode, base: string): string {
  // rel="collection" is the CEOS two-step collection search; rel="results" (the default) lists items.
  const urls = osdd.children.filter((c) => c.name === 'Url' && c.attrs.template && ['results', 'collection'].includes(c.attrs.rel ?? 'results'));
  const chosen = urls.find((u) => u.attrs.type?.startsWith('application/geo+json')) ?? urls.find((u) => u.attrs.type?.startsWith('application/atom+xml'));
  if (!chosen) throw invalidParameterValue('Source', 'The OpenSearch description has no results template for GeoJSON or Atom');
  // A page as large as the server says it serves (Parameter extension maxInclusive), else its default size.
  const countParameter = chosen.children.find((c) => c.name === 'Parameter' && c.namespace === OPENSEARCH_PARAMETERS && (c.attrs.value === '{count}' || c.attrs.name === 'count'));
  const maxCount = Number(countParameter?.attrs.maxInclusive);
  const count = Number.isInteger(maxCount) && maxCount > 0 ? String(Math.min(PAGE_SIZE, maxCount)) : '';
  const filled = chosen.attrs.template!.replace(/\{([^}?]+)(\?)?\}/g, (_whole, name: string, optional?: string) => {
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    if (local === 'count') return count;
    if (local === 'startIndex') return chosen.attrs.indexOffset ?? '1';
    if (local === 'startPage') return chosen.attrs.pageOffset ?? '1';
    if (optional) return '';
    throw invalidParameterValue('Source', `The OpenSearch template needs '${name}', which a Harvest cannot fill`);
  });
  return linkUrl(filled, base);
}

function nextOfJson(json: Record<string, unknown>): string | undefined {
  const links = (json.links ?? (json.properties as Record<string, unknown> | undefined)?.links) as Array<{ rel?: string; href?: string }> | undefined;
  return Array.isArray(links) ? links.find((l) => l?.rel === 'next' && typeof l.href === 'string')?.href : undefined;
}

async function atomFeed(session: HarvestSession, feed: XmlTreeNode, url: string): Promise<string | undefined> {
  const types = decodableTypes(session);
  for (const entry of feed.children.filter((c) => c.namespace === CSW_NS.atom && c.name === 'entry')) {
    const document = atomLinks(entry).find((l) => (l.rel === 'alternate' || l.rel === 'via' || l.rel === 'describedby') && l.type && types.has(l.type.split(';')[0]!.trim()));
    if (document) session.add(session.decode(await session.fetch(linkUrl(document.href, url))));
    else session.add([atomEntryRecord(entry, session.owner, 'Source')]);
  }
  const next = feed.children.find((c) => c.namespace === CSW_NS.atom && c.name === 'link' && c.attrs.rel === 'next')?.attrs.href;
  return next && linkUrl(next, url);
}

export async function harvestOpenSearch(session: HarvestSession, source: string): Promise<void> {
  let url: string | undefined = source;
  const seen = new Set<string>();
  while (url !== undefined && !seen.has(url)) {
    seen.add(url);
    const doc = await session.fetch(url);
    const head = doc.text.trimStart();
    if (head.startsWith('{')) {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(doc.text) as Record<string, unknown>;
      } catch {
        throw invalidParameterValue('Source', `${doc.url} is not valid JSON`);
      }
      session.add(session.decode(doc));
      url = nextOfJson(json);
      if (url) url = linkUrl(url, doc.url);
      continue;
    }
    const root = session.xml(doc);
    if (root.name === 'OpenSearchDescription' && root.namespace === CSW_NS.opensearch) url = templateUrl(root, doc.url);
    else if (root.name === 'feed' && root.namespace === CSW_NS.atom) url = await atomFeed(session, root, doc.url);
    else throw invalidParameterValue('Source', `${doc.url} is neither an OpenSearch description, an Atom feed nor GeoJSON (root ${root.name})`);
  }
}
