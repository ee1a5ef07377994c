/**
 * The import pipeline: sources (a file, a directory walked recursively, a URL, and the STAC
 * links they hold) read by a bounded pool of workers, each decoded through the catalogue's
 * format registry or read as a GeoTIFF header, the records written in batches; every rejected
 * source or record is reported with its reason and the rest are kept.
 */
import { BadRequest, MeridianError } from '../../../core/errors.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { checkCollection } from './collection.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_DOCUMENT_BYTES } from './job.js';
import { decodeDocument, isStacCatalog } from './documents.js';
import { readGeoTiffRecord } from './geotiff.js';
import { describeLocation, locationKey, parseSource, type Location, type LocationPolicy } from './locations.js';
import { DOCUMENT_EXTENSION, fetchLimits, probe, readFileHead, readSource, SourceError, TIFF_EXTENSION, isTiffMagic, type ReadLimits } from './read.js';
import { ImportState } from './state.js';
import type { ImportDeps, ImportOptions, ImportSummary, Rejection } from './types.js';
import { walkFiles } from './walk.js';
import { drain, WorkQueue } from './work-queue.js';
import { isRecordError, RecordWriter, type Entry, type SourceTicket } from './writer.js';

export const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_TIMEOUT_MS = 30_000;

interface Work {
  location: Location;
  /** The collection of the document that linked here. */
  parent?: string;
  via: 'root' | 'walk' | 'link';
}

export async function runImport(deps: ImportDeps, options: ImportOptions): Promise<ImportSummary> {
  const startedAt = new Date().toISOString();
  const policy: LocationPolicy = { remoteOnly: options.remoteOnly };
  const root = typeof options.source === 'string' ? parseSource(options.source, policy) : options.source;
  const limits: ReadLimits = {
    maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Imports over HTTP reach public hosts only; an operator's own imports may reach anything.
    allowPrivateNetworks: options.allowPrivateNetworks ?? !options.remoteOnly,
  };
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new BadRequest('concurrency must be an integer from 1 to 64', { code: 'InvalidParameterValue', locator: 'concurrency' });
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new BadRequest('batchSize must be a positive integer', { code: 'InvalidParameterValue', locator: 'batchSize' });
  const { catalogue } = deps;
  const collectionCreated = await prepareCollection(deps, options, describeLocation(root));
  const state = new ImportState(deps.db, options.collection ?? '');
  const summary: ImportSummary = {
    type: 'summary',
    source: describeLocation(root),
    ...(options.collection ? { collection: options.collection } : {}),
    interrupted: false,
    sources: { found: 0, imported: 0, skipped: 0, rejected: 0, ignored: 0 },
    records: { imported: 0, rejected: 0, collections: 0, products: 0 },
    collectionCreated,
    startedAt,
    finishedAt: startedAt,
  };
  const extent = new ExtentTracker(collectionCreated ? options.collection : undefined);
  const reject = (r: Omit<Rejection, 'type'>) => options.onRejected?.({ type: 'rejected', ...r });
  const writer = new RecordWriter(catalogue, batchSize, {
    committed(stored: CatalogueRecord[]) {
      summary.records.imported += stored.length;
      for (const r of stored) {
        if (r.type === 'collection') summary.records.collections++;
        else if (r.type === 'product') summary.records.products++;
        extent.add(r);
      }
    },
    rejected(entry: Entry, err: MeridianError) {
      summary.records.rejected++;
      reject({ source: entry.ticket.source, record: entry.record.identifier, code: err.code, locator: err.locator, reason: err.message });
    },
    async settled(tickets: SourceTicket[]) {
      await state.done(tickets.filter((t) => t.rejected === 0 && t.fingerprint).map((t) => ({ source: t.key, fingerprint: t.fingerprint!, container: t.container, records: t.committed })));
      for (const t of tickets.filter((t) => t.rejected > 0)) await state.forget(t.key);
    },
  });

  const queue = new WorkQueue<Work>(options.signal);
  const visited = new Set<string>();
  const identifiers = new Map<string, string>();
  let done = 0;
  const progress = (current?: string) =>
    options.onProgress?.({ found: summary.sources.found, done, recordsImported: summary.records.imported, recordsRejected: summary.records.rejected, current });

  const rejectSource = (source: string, err: unknown) => {
    summary.sources.rejected++;
    const e = err as { code?: unknown; locator?: unknown; message?: unknown };
    reject({ source, code: typeof e.code === 'string' ? e.code : 'UnreadableSource', locator: typeof e.locator === 'string' ? e.locator : undefined, reason: String(e.message ?? err) });
  };

  /** Hands a source's records to the writer, refusing identifiers another source gave in this import. */
  const hand = async (records: CatalogueRecordInput[], ticket: SourceTicket) => {
    const entries: Entry[] = [];
    for (const record of records) {
      const id = typeof record.identifier === 'string' ? record.identifier : undefined;
      const first = id !== undefined ? identifiers.get(id) : undefined;
      if (id !== undefined && first !== undefined) {
        summary.records.rejected++;
        ticket.rejected++;
        reject({ source: ticket.source, record: id, code: 'DuplicateIdentifier', locator: 'identifier', reason: `Record '${id}' was already imported from ${first} in this import` });
        continue;
      }
      if (id !== undefined) identifiers.set(id, ticket.source);
      entries.push({ record, ticket });
    }
    ticket.pending = entries.length;
    summary.sources.imported++;
    if (entries.length === 0) {
      if (ticket.rejected === 0 && ticket.fingerprint) await state.done([{ source: ticket.key, fingerprint: ticket.fingerprint, container: ticket.container, records: 0 }]);
      return;
    }
    await writer.add(entries);
  };

  const processWork = async (work: Work) => {
    const key = locationKey(work.location);
    if (visited.has(key)) return;
    visited.add(key);
    const source = describeLocation(work.location);
    let kind: 'tiff' | 'document' | undefined;
    if (work.via === 'walk' && work.location.kind === 'file') {
      kind = await sniffFile(work.location.path);
      if (!kind) {
        summary.sources.ignored++;
        return;
      }
    }
    if (options.maxSources !== undefined && summary.sources.found >= options.maxSources) {
      rejectSource(source, new SourceError(`the import reached its limit of ${options.maxSources} sources`, 'TooManySources'));
      return;
    }
    summary.sources.found++;
    let counted = true;
    const ticket: SourceTicket = { source, key, container: false, pending: 0, committed: 0, rejected: 0 };
    const parentIdentifier = work.parent ?? options.collection;
    try {
      const previous = options.resume ? await state.get(key) : undefined;
      if (work.location.kind !== 'upload' && (work.location.kind === 'file' || (previous && !previous.container) || TIFF_EXTENSION.test(new URL(work.location.url).pathname))) {
        const probed = await probe(work.location, limits, options.signal);
        if (probed.directory) {
          if (work.via !== 'root' || work.location.kind !== 'file') throw new SourceError(`a link leads to the directory ${source}, not a document`);
          summary.sources.found--;
          counted = false;
          queue.addWalk(mapWalk(walkFiles(work.location.path), (path) => ({ location: { kind: 'file', path }, via: 'walk' as const })));
          return;
        }
        ticket.fingerprint = probed.fingerprint;
        if (previous && probed.fingerprint === previous.fingerprint && !previous.container) {
          summary.sources.skipped++;
          return;
        }
        if (kind === 'tiff' || (kind === undefined && TIFF_EXTENSION.test(source))) {
          await hand([await readGeoTiffRecord(work.location, { parentIdentifier, owner: options.owner, signal: options.signal, fetch: fetchLimits(limits) })], ticket);
          return;
        }
      }
      const fetched = await readSource(work.location, limits, { blobs: deps.blobs, signal: options.signal, previous: previous?.container ? undefined : previous?.fingerprint });
      ticket.fingerprint = fetched.fingerprint;
      const unchanged = previous !== undefined && fetched.fingerprint !== undefined && (fetched.notModified || fetched.fingerprint === previous.fingerprint);
      if (unchanged && !previous.container) {
        summary.sources.skipped++;
        return;
      }
      if (fetched.tiff) {
        await hand([await readGeoTiffRecord(fetched.location, { parentIdentifier, owner: options.owner, signal: options.signal, fetch: fetchLimits(limits) })], ticket);
        return;
      }
      const decoded = decodeDocument(catalogue.formats, fetched.bytes, fetched.location, { parentIdentifier, owner: options.owner, policy });
      ticket.container = decoded.links.length > 0;
      const collections = decoded.records.filter((r) => r.type === 'collection');
      const childParent = collections.length === 1 ? collections[0]!.identifier : work.parent;
      for (const link of decoded.links) {
        if (!visited.has(locationKey(link))) queue.push({ location: link, parent: childParent, via: 'link' });
      }
      for (const bad of decoded.badLinks) reject({ source, code: 'InvalidLink', locator: 'links', reason: `${bad.href}: ${bad.reason}` });
      if (decoded.error && !(ticket.container && isStacCatalog(fetched.bytes))) throw decoded.error;
      if (unchanged) {
        summary.sources.skipped++;
        return;
      }
      await hand(decoded.records, ticket);
    } catch (err) {
      if (options.signal?.aborted) return;
      if (err instanceof SourceError || isRecordError(err)) rejectSource(source, err);
      else throw err;
    } finally {
      if (counted) {
        done++;
        progress(source);
      }
    }
  };

  queue.push({ location: root, via: 'root' });
  try {
    await drain(queue, concurrency, processWork);
  } finally {
    // Whatever happened, what was read is written in whole batches.
    await writer.finish();
  }
  if (extent.collection) await extent.apply(catalogue);
  summary.interrupted = options.signal?.aborted ?? false;
  summary.finishedAt = new Date().toISOString();
  return summary;
}

/** Checks `collection`, creating it when asked; true when this import created it. */
async function prepareCollection(deps: ImportDeps, options: ImportOptions, source: string): Promise<boolean> {
  if (options.collection === undefined) return false;
  if (await checkCollection(deps.catalogue, options.collection, options.createCollection ?? false)) return false;
  await deps.catalogue.upsert([
    { identifier: options.collection, type: 'collection', title: options.collection, abstract: `Imported from ${source}`, ...(options.owner ? { owner: options.owner } : {}) },
  ]);
  return true;
}

async function sniffFile(path: string): Promise<'tiff' | 'document' | undefined> {
  if (TIFF_EXTENSION.test(path)) return 'tiff';
  if (DOCUMENT_EXTENSION.test(path)) return 'document';
  const head = await readFileHead(path, 256).catch(() => Buffer.alloc(0));
  if (isTiffMagic(head)) return 'tiff';
  const first = head.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
  return first === '{' || first === '[' || first === '<' ? 'document' : undefined;
}

async function* mapWalk<A, B>(walk: AsyncGenerator<A>, f: (a: A) => B): AsyncGenerator<B> {
  for await (const a of walk) yield f(a);
}

/** The extent of a collection this import created: the union of its products' boxes and times. */
class ExtentTracker {
  private bbox?: [number, number, number, number];
  private start?: string;
  private end?: string;

  constructor(readonly collection: string | undefined) {}

  add(record: CatalogueRecord): void {
    if (!this.collection || record.parentIdentifier !== this.collection) return;
    if (record.bbox) {
      const [a, b, c, d] = record.bbox;
      this.bbox = this.bbox ? [Math.min(this.bbox[0], a), Math.min(this.bbox[1], b), Math.max(this.bbox[2], c), Math.max(this.bbox[3], d)] : [a, b, c, d];
    }
    if (record.start && (!this.start || record.start < this.start)) this.start = record.start;
    const end = record.end ?? record.start;
    if (end && (!this.end || end > this.end)) this.end = end;
  }

  async apply(catalogue: ImportDeps['catalogue']): Promise<void> {
    if (!this.collection || (!this.bbox && !this.start)) return;
    const [x1, y1, x2, y2] = this.bbox ?? [0, 0, 0, 0];
    await catalogue.patch(this.collection, {
      ...(this.bbox ? { geometry: { type: 'Polygon', coordinates: [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]] } } : {}),
      ...(this.start ? { start: this.start, end: this.end } : {}),
    });
  }
}
