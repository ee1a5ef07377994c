/**
 * Series coverages from the catalogue: every collection whose products carry a GeoTIFF/COG
 * asset is a coverage with a time dimension (EO-WCS DatasetSeries), its products the granules.
 * Collections are scanned on refresh; granules are searched per read, through the requesting
 * subject's catalogue read filter, so a user never draws a product they may not find. An asset
 * in the S3 service (`s3://bucket/key`, with the s3 plugin) is read from its blob, and only for a
 * subject the policy lets GetObject it: a product anyone may find can still point at a private
 * object, which is then not drawn for them.
 */
import { lookup } from 'node:dns/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ANONYMOUS } from '../../core/auth/index.js';
import type { Subject } from '../../core/auth/types.js';
import { isInternalAddress } from '../../core/net/remote-fetch.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { CatalogueRecord, CatalogueService } from '../catalogue/types.js';
import type { S3ObjectAddress, S3ObjectsService } from '../s3/types.js';
import type { CatalogueCoveragesConfig } from './config.js';
import { fromCrs84 } from './grid.js';
import { productCoverageId } from './ids.js';
import type { SourceInfo, SourceRef } from './pool/tasks.js';
import { blobRef, styleDescriptions, versionOf, type CoverageEntry, type Granule } from './registry.js';
import { defaultStyles } from './render/index.js';
import type { Bbox, CoverageDescription, GranuleQuery } from './types.js';

/** Reads the catalogue for the engine itself (scans), never on behalf of a client. */
export const ENGINE_SUBJECT: Subject = { id: 'meridian:coverages', issuer: '', claims: {}, groups: ['admin'], anonymous: false, method: 'system' };

const TIFF_TYPE = /image\/tiff|geotiff|image\/x-geotiff/i;
const MAX_TIME_VALUES = 10_000;
/** How long an S3 asset's blob key, size and etag are reused (an object replaced in place is seen after it). */
const S3_SOURCE_TTL_MS = 10_000;

/** What the S3 assets need: the blob store, and the s3 plugin's references when it is enabled. */
export interface S3Assets {
  blobs: BlobStore;
  s3?: S3ObjectsService;
}

export class CatalogueSeries {
  private entries = new Map<string, CoverageEntry>();
  private readonly roots: string[];
  private readonly hostChecks = new Map<string, { ok: boolean; at: number }>();
  private readonly s3Sources = new Map<string, { ref: Promise<SourceRef | undefined>; at: number }>();

  constructor(
    private readonly catalogue: CatalogueService,
    private readonly config: CatalogueCoveragesConfig,
    private readonly describe: (ref: SourceRef) => Promise<SourceInfo>,
    private readonly logger: Logger,
    dataDir: string,
    private readonly objects?: S3Assets,
  ) {
    this.roots = [dataDir, ...config.allowedRoots].map((r) => resolve(r));
  }

  get(id: string): CoverageEntry | undefined {
    return this.entries.get(id);
  }

  all(): CoverageEntry[] {
    return [...this.entries.values()];
  }

  /**
   * The asset of a product the engine reads, as a worker source; undefined when it has none it may
   * read. With a `subject`, an asset in the S3 service is a source only if they may read the object.
   */
  async sourceOf(product: CatalogueRecord, subject?: Subject): Promise<SourceRef | undefined> {
    const assets = product.assets ?? {};
    const keyed = this.config.assetKeys.map((k) => assets[k]).find((a) => a && (!a.type || TIFF_TYPE.test(a.type)));
    const asset = keyed ?? Object.values(assets).find((a) => a.type && TIFF_TYPE.test(a.type));
    if (!asset) return undefined;
    const version = product.updated;
    const href = asset.href;
    const s3 = this.objects?.s3;
    if (s3) {
      let address: S3ObjectAddress | undefined;
      try {
        address = s3.parse(href);
      } catch {
        return undefined;
      }
      if (address) {
        if (subject && !(await s3.mayRead(subject, address))) return undefined;
        return this.s3Source(s3, address, `${href}@${version}`);
      }
    }
    if (/^https?:\/\//i.test(href)) {
      if (!this.config.allowPrivateNetworks && !(await this.publicHost(new URL(href).hostname))) return undefined;
      return { kind: 'http', id: `url:${href}@${version}`, url: href };
    }
    let path: string;
    try {
      path = href.startsWith('file:') ? fileURLToPath(href) : href;
    } catch {
      return undefined;
    }
    if (!isAbsolute(path)) return undefined;
    path = resolve(path);
    // Only files under the allowed roots: a catalogue writer must not make the server read any file it can.
    if (!this.roots.some((root) => !relative(root, path).startsWith('..') && !isAbsolute(relative(root, path)))) return undefined;
    return { kind: 'file', id: `file:${path}@${version}`, path };
  }

  /** An object of the S3 service as a worker source: its blob (a file on the fs store, ranges over the task's port otherwise). */
  private s3Source(s3: S3ObjectsService, address: S3ObjectAddress, cacheKey: string): Promise<SourceRef | undefined> {
    const now = Date.now();
    const cached = this.s3Sources.get(cacheKey);
    if (cached && now - cached.at < S3_SOURCE_TTL_MS) return cached.ref;
    const blobs = this.objects!.blobs;
    const ref = (async () => {
      try {
        const { blobKey } = await s3.locate(address);
        const head = await blobs.head(blobKey);
        return head ? blobRef(blobs, blobKey, head.etag, head.size) : undefined;
      } catch (err) {
        this.logger.debug({ err, object: `s3://${address.bucket}/${address.key}` }, 'coverages: an S3 asset cannot be read');
        return undefined;
      }
    })();
    if (this.s3Sources.size > 10_000) this.s3Sources.clear();
    this.s3Sources.set(cacheKey, { ref, at: now });
    return ref;
  }

  private async publicHost(host: string): Promise<boolean> {
    const cached = this.hostChecks.get(host);
    if (cached && Date.now() - cached.at < 60_000) return cached.ok;
    let ok = false;
    try {
      const addresses = await lookup(host.replace(/^\[|\]$/g, ''), { all: true });
      ok = addresses.length > 0 && addresses.every((a) => !isInternalAddress(a.address));
    } catch {
      ok = false;
    }
    this.hostChecks.set(host, { ok, at: Date.now() });
    return ok;
  }

  /** Re-reads the collections; returns the coverage ids that changed or went away. */
  async refresh(): Promise<Array<{ id: string; removed: boolean }>> {
    const next = new Map<string, CoverageEntry>();
    const changed: Array<{ id: string; removed: boolean }> = [];
    const collections = await this.collections();
    for (const collection of collections) {
      try {
        const entry = await this.build(collection);
        if (!entry) continue;
        const previous = this.entries.get(entry.description.id);
        const kept = previous?.description.version === entry.description.version ? previous : entry;
        next.set(kept.description.id, kept);
        if (kept !== previous) changed.push({ id: kept.description.id, removed: false });
      } catch (err) {
        this.logger.warn({ err, collection: collection.identifier }, 'coverages: a catalogue collection cannot be served as a series');
      }
    }
    for (const id of this.entries.keys()) if (!next.has(id)) changed.push({ id, removed: true });
    this.entries = next;
    return changed;
  }

  private async collections(): Promise<CatalogueRecord[]> {
    const found: CatalogueRecord[] = [];
    const limit = this.catalogue.limits.maxLimit;
    for (let offset = 0; offset < 100_000; offset += limit) {
      const page = await this.catalogue.search({ type: 'collection', identifiers: this.config.collections, limit, offset }, ENGINE_SUBJECT);
      found.push(...page.records);
      if (page.records.length < limit) break;
    }
    return found;
  }

  /**
   * Whose view of the products a series' shared description (grid, bands, time values) is made
   * from: everyone's (anonymous) for a public collection, so that a private product's place,
   * grid and acquisition time are not shown to readers who may not see it; the platform's for a
   * private one, whose readers are its owner and those the policy lets in. A reader's own
   * private granules are still read at their times (granules() searches as the reader).
   */
  private async describedAs(collection: CatalogueRecord): Promise<Subject> {
    const seen = await this.catalogue.search({ type: 'collection', identifiers: [collection.identifier], limit: 1 }, ANONYMOUS);
    return seen.records.length > 0 ? ANONYMOUS : ENGINE_SUBJECT;
  }

  private async build(collection: CatalogueRecord): Promise<CoverageEntry | undefined> {
    const audience = await this.describedAs(collection);
    const newest = (as: Subject) => this.catalogue.search({ type: 'product', parentIdentifier: collection.identifier, sortBy: [{ field: 'start', direction: 'desc' }], limit: 20 }, as);
    let first = await newest(audience);
    let ref: SourceRef | undefined;
    for (const product of first.records) if ((ref = await this.sourceOf(product))) break;
    if (!ref && audience !== ENGINE_SUBJECT) {
      // A public collection of private products only (each user's processing results): its grid
      // and bands from the newest of them, so each owner can draw theirs; its time values stay
      // everyone's (none), so no private acquisition time is listed.
      first = await newest(ENGINE_SUBJECT);
      for (const product of first.records) if ((ref = await this.sourceOf(product))) break;
    }
    if (!ref) return undefined;
    const info = await this.describe(ref);
    const times = await this.timeValues(collection.identifier, audience);
    const wgs84: Bbox = collection.bbox ?? [-180, -90, 180, 90];
    const native = fromCrs84(wgs84, info.crs) ?? wgs84;
    const [px, py] = [Math.abs(info.transform[1]), Math.abs(info.transform[5])];
    const bands = info.bands;
    const styles = this.config.styles?.[collection.identifier] ?? defaultStyles(bands);
    const id = productCoverageId(collection.identifier);
    const version = versionOf([collection.updated, String(first.numberMatched), first.records[0]?.updated ?? '', ref.id]);
    const description: CoverageDescription = {
      id,
      title: collection.title ?? collection.identifier,
      abstract: collection.abstract,
      keywords: collection.keywords ?? [],
      kind: 'series',
      grid: { crs: info.crs, width: Math.max(1, Math.round((native[2] - native[0]) / px)), height: Math.max(1, Math.round((native[3] - native[1]) / py)), transform: [native[0], px, 0, native[3], 0, -py] },
      bbox: native,
      wgs84Bbox: wgs84,
      bands,
      resolutions: info.levels.map((l) => [Math.abs(l.transform[1]), Math.abs(l.transform[5])] as [number, number]),
      styles: styleDescriptions(styles, styles[0]!.name),
      time: times.length ? { values: times, default: times[times.length - 1]! } : undefined,
      collection: collection.identifier,
      owner: collection.owner,
      version,
      updated: collection.updated,
    };
    return {
      description,
      granules: [],
      styles,
      defaultStyle: styles[0]!.name,
      visibility: typeof collection.visibility === 'string' ? collection.visibility : 'private',
      owner: collection.owner,
      resampling: 'nearest',
      collection: collection.identifier,
    };
  }

  private async timeValues(collection: string, audience: Subject): Promise<string[]> {
    const values = new Set<string>();
    const limit = this.catalogue.limits.maxLimit;
    for (let offset = 0; offset < MAX_TIME_VALUES; offset += limit) {
      const page = await this.catalogue.search({ type: 'product', parentIdentifier: collection, sortBy: [{ field: 'start', direction: 'asc' }], limit, offset }, audience);
      for (const p of page.records) if (p.start) values.add(new Date(p.start).toISOString());
      if (page.records.length < limit) break;
    }
    return [...values].sort();
  }

  /** The granules of a series a subject may read, latest first. */
  async granules(entry: CoverageEntry, query: GranuleQuery, subject: Subject): Promise<Granule[]> {
    const result = await this.catalogue.search(
      {
        type: 'product',
        parentIdentifier: entry.collection!,
        bbox: query.bbox,
        relation: query.containment === 'contains' ? 'within' : 'intersects',
        start: query.time?.begin,
        end: query.time?.end,
        timeRelation: query.containment === 'contains' ? 'during' : 'intersects',
        sortBy: [{ field: 'start', direction: 'desc' }],
        limit: Math.min(query.limit ?? this.config.maxGranulesPerRead, this.catalogue.limits.maxLimit),
      },
      subject,
    );
    const granules: Granule[] = [];
    for (const product of result.records) {
      const ref = await this.sourceOf(product, subject);
      if (!ref) continue;
      granules.push({
        ref,
        bbox: product.bbox ?? entry.description.wgs84Bbox,
        wgs84Bbox: product.bbox,
        time: product.start ? new Date(product.start).toISOString() : undefined,
        product: product.identifier,
        footprint: product.geometry ?? undefined,
        updated: product.updated,
      });
    }
    return granules;
  }

  /** A product of a served series, by identifier, when the subject may read it. */
  async product(identifier: string, subject: Subject): Promise<{ entry: CoverageEntry; product: CatalogueRecord; ref: SourceRef } | undefined> {
    const product = await this.catalogue.get(identifier, subject);
    if (!product || product.type !== 'product' || !product.parentIdentifier) return undefined;
    const entry = this.entries.get(productCoverageId(product.parentIdentifier));
    if (!entry) return undefined;
    const ref = await this.sourceOf(product, subject);
    return ref ? { entry, product, ref } : undefined;
  }
}
