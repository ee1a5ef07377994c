/**
 * The coverages engine (the `coverages` service): resolves coverages, access, styles, time and
 * granules on the main thread, and hands plans to the worker pool, which reads, warps, renders
 * and encodes.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { transformPoints } from '../../core/ows/index.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import { mayRead } from './access.js';
import { CatalogueSeries } from './catalogue-series.js';
import type { CoverageConfig, CoveragesConfig } from './config.js';
import { CoverageError } from './errors.js';
import { checkTarget, gridBbox, intersects, pixelSizeMetres, toCrs84, within } from './grid.js';
import { productCoverageId, productIdentifierOf } from './ids.js';
import { createWorkerPool, type WorkerPool } from './pool/index.js';
import { OutputBuffers } from './pool/output-buffers.js';
import type { LayerPlan, SourceInfo, StyledLayerPlan, WorkerTask, WrittenOutput } from './pool/tasks.js';
import { ConfigCoverages, type CoverageEntry, type Granule } from './registry.js';
import { resolveStyle, type BandStatistics, type ResolvedStyle, type StyleConfig } from './render/index.js';
import type {
  Bbox,
  ComputedRows,
  CoverageChange,
  CoverageDescription,
  CoverageOutputRequest,
  CoveragesService,
  EncodedOutput,
  GranuleQuery,
  Grid,
  LegendRequest,
  MapRequest,
  PointRequest,
  PointValues,
  Raster,
  ReadRequest,
  SampleType,
} from './types.js';

const CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', geotiff: 'image/tiff' } as const;
const SAMPLE_BYTES: Record<SampleType, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 };
/** How long a config coverage's read decision is reused for one subject (ms). */
const READ_ANSWER_MS = 1_000;

export interface CoveragesEngineOptions {
  config: CoveragesConfig;
  blobs: BlobStore;
  auth: AuthHooks;
  logger: Logger;
  dataDir: string;
  catalogue?: CatalogueService;
  /** The s3 plugin's object references: catalogue assets at s3:// URLs, read as the requesting subject may. */
  s3?: S3ObjectsService;
}

/** A coverage (or one granule of a series, as a coverage of its own) resolved for a request. */
interface Resolved {
  entry: CoverageEntry;
  description: CoverageDescription;
  /** Set for a granule coverage: only this granule is read. */
  granule?: Granule;
}

export interface CoveragesEngine extends CoveragesService {
  /** Re-scans config sources and catalogue collections now (also runs every refreshSeconds). */
  refresh(): Promise<void>;
  /** Serves more config coverages (the sample rasters once written), from a refresh run now. */
  addCoverages(configs: CoverageConfig[]): Promise<void>;
  close(): Promise<void>;
}

export async function createCoveragesEngine(options: CoveragesEngineOptions): Promise<CoveragesEngine> {
  const { config, auth, logger } = options;
  const pool: WorkerPool = createWorkerPool({ threads: config.workers, tileCacheBytes: config.tileCacheMB * 1024 * 1024, blobs: options.blobs, oldSpaceMB: config.workerOldSpaceMB ?? 128 });
  // Encoded outputs sent once (transientBody) are written here and the buffer reused.
  const outputs = new OutputBuffers({ maxBytes: 64 * 1024 * 1024, perClass: 16 });
  const configured = new ConfigCoverages(config.coverages, pool, options.blobs, logger);
  const series =
    options.catalogue && config.catalogue.enabled
      ? new CatalogueSeries(options.catalogue, config.catalogue, (ref) => configured.describe(ref), logger, options.dataDir, { blobs: options.blobs, s3: options.s3 })
      : undefined;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const limits = { maxCells: config.maxCells, maxWidth: config.maxWidth, maxHeight: config.maxHeight };
  const stats = new Map<string, Promise<BandStatistics[]>>();

  let refreshing: Promise<void> | undefined;
  let again = false;
  // The first scan finds what is there, not what changed: no change events (a tile cache
  // listening would drop what it holds for coverages that are just as they were).
  let scanned = false;
  async function scan(): Promise<void> {
    try {
      const changes = [...(await configured.refresh()), ...((await series?.refresh()) ?? [])];
      const first = !scanned;
      scanned = true;
      if (first) return;
      for (const change of changes) {
        for (const key of stats.keys()) if (key.startsWith(`${change.id}\u0000`)) stats.delete(key);
        events.emit('change', { coverage: change.id, removed: change.removed } satisfies CoverageChange);
      }
    } catch (err) {
      logger.error({ err }, 'coverages: refresh failed');
    }
  }
  /** One scan at a time; a call during a scan runs one more after it, so no change is missed. */
  async function refresh(): Promise<void> {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        await scan();
      } while (again);
      refreshing = undefined;
    })();
    return refreshing;
  }
  // The first scan opens every configured source in the workers (starting them); start-up does not
  // wait for it: the engine's answers do, so nothing is answered from a half-made list.
  const initialScan = refresh();
  let scanDone = false;
  void initialScan.then(() => {
    scanDone = true;
  });
  const timer = config.refreshSeconds > 0 ? setInterval(() => void refresh(), config.refreshSeconds * 1000) : undefined;
  timer?.unref();
  // Catalogue writes in this process show at once (debounced: an import writes in many batches).
  let pendingRefresh: NodeJS.Timeout | undefined;
  const unsubscribe = series
    ? options.catalogue!.onChange(() => {
        if (pendingRefresh) return;
        pendingRefresh = setTimeout(() => {
          pendingRefresh = undefined;
          void refresh();
        }, 250);
        pendingRefresh.unref();
      })
    : undefined;

  function entryOf(id: string): CoverageEntry | undefined {
    return configured.get(id) ?? series?.get(id);
  }

  // A series is readable by whoever may read its collection in the catalogue: the catalogue's own
  // policy decides (group visibility included). Answers are kept a few seconds per subject.
  const collectionReads = new Map<string, { ok: boolean; at: number }>();
  // A share or a policy change can open or close a collection at once.
  auth.onDecisionsInvalidated(() => collectionReads.clear());
  // Config coverages: the answer for a subject (the same Subject object: the anonymous one, a
  // remembered token's) and entry is kept READ_ANSWER_MS, as the catalogue's are above, and
  // forgotten with the decisions. A tile or map then asks no decision point (and builds no
  // decision-cache key) on the hot path.
  let readAnswers = new WeakMap<Subject, WeakMap<CoverageEntry, { ok: boolean; at: number }>>();
  auth.onDecisionsInvalidated(() => {
    readAnswers = new WeakMap();
  });
  async function mayReadEntry(entry: CoverageEntry, subject: Subject): Promise<boolean> {
    let answers = readAnswers.get(subject);
    const known = answers?.get(entry);
    const now = Date.now();
    if (known && now - known.at < READ_ANSWER_MS) return known.ok;
    const kept = readAnswers;
    const ok = await mayRead(auth, logger, subject, { id: entry.description.id, owner: entry.owner, visibility: entry.visibility });
    // Not kept when the decisions were forgotten meanwhile: the answer may predate the change.
    if (kept === readAnswers) {
      if (!answers) readAnswers.set(subject, (answers = new WeakMap()));
      answers.set(entry, { ok, at: now });
    }
    return ok;
  }

  async function readable(entry: CoverageEntry, subject: Subject): Promise<boolean> {
    if (!entry.collection || !options.catalogue) return mayReadEntry(entry, subject);
    const key = `${subject.issuer}\u0000${subject.id}\u0000${subject.groups.join(',')}\u0000${entry.collection}`;
    const cached = collectionReads.get(key);
    if (cached && Date.now() - cached.at < 5_000) return cached.ok;
    const ok = (await options.catalogue.get(entry.collection, subject)) !== undefined;
    if (collectionReads.size > 10_000) collectionReads.clear();
    collectionReads.set(key, { ok, at: Date.now() });
    return ok;
  }

  async function granuleDescription(entry: CoverageEntry, granule: Granule, id: string): Promise<CoverageDescription> {
    const info = granule.info ?? (await configured.describe(granule.ref));
    const bbox = gridBbox(info);
    const parent = entry.description;
    return {
      ...parent,
      id,
      title: granule.product ?? id,
      kind: 'granule',
      grid: { crs: info.crs, width: info.width, height: info.height, transform: info.transform },
      bbox,
      wgs84Bbox: granule.wgs84Bbox ?? toCrs84(bbox, info.crs) ?? parent.wgs84Bbox,
      bands: info.bands.map((b, i) => ({ ...b, name: parent.bands[i]?.name ?? b.name })),
      resolutions: info.levels.map((l) => [Math.abs(l.transform[1]), Math.abs(l.transform[5])] as [number, number]),
      time: granule.time ? { values: [granule.time], default: granule.time } : undefined,
      product: granule.product,
      footprint: granule.footprint,
      parent: parent.id,
      version: `${parent.version}:${granule.ref.id}`,
      updated: granule.updated ?? parent.updated,
    };
  }

  /** A coverage or granule id, for a subject; undefined when unknown or not readable. */
  async function resolve(id: string, subject: Subject): Promise<Resolved | undefined> {
    const entry = entryOf(id);
    if (entry) return (await readable(entry, subject)) ? { entry, description: entry.description } : undefined;
    // A file of a config mosaic or series: `<coverage>.<file name>`.
    for (const parent of configured.all()) {
      const prefix = `${parent.description.id}.`;
      if (parent.granules.length < 2 || !id.startsWith(prefix)) continue;
      const granule = parent.granules.find((g) => g.name === id.slice(prefix.length));
      if (granule && (await readable(parent, subject))) return { entry: parent, description: await granuleDescription(parent, granule, id), granule };
    }
    // A catalogue product of a served series, by its identifier.
    if (!series) return undefined;
    const identifier = productIdentifierOf(id);
    const found = await series.product(identifier, subject);
    if (!found || !(await readable(found.entry, subject))) return undefined;
    const granule: Granule = {
      ref: found.ref,
      bbox: found.product.bbox ?? found.entry.description.wgs84Bbox,
      wgs84Bbox: found.product.bbox,
      time: found.product.start ? new Date(found.product.start).toISOString() : undefined,
      product: found.product.identifier,
      footprint: found.product.geometry ?? undefined,
      updated: found.product.updated,
    };
    return { entry: found.entry, description: await granuleDescription(found.entry, granule, id), granule };
  }

  async function require(id: string, subject: Subject): Promise<Resolved> {
    const resolved = await resolve(id, subject);
    if (!resolved) throw new CoverageError('NoSuchCoverage', `no coverage '${id}'`);
    return resolved;
  }

  const noDataAt = (description: CoverageDescription, time: { begin: string; end: string }) =>
    new CoverageError('InvalidTime', `coverage '${description.id}' has no data at ${time.begin === time.end ? time.begin : `${time.begin}/${time.end}`}`);

  /**
   * The time interval a read uses: the asked one, or the default instant; `listed` says whether
   * a time value of the description falls in it (a read at a time with no data is refused).
   */
  function timeWindow(description: CoverageDescription, time: ReadRequest['time']): { window?: { begin: string; end: string }; listed: boolean } {
    const dimension = description.time;
    if (!dimension) return { listed: true };
    if (!time) return { window: { begin: dimension.default, end: dimension.default }, listed: true };
    const begin = Date.parse(time.begin);
    const end = Date.parse(time.end);
    if (Number.isNaN(begin) || Number.isNaN(end) || begin > end) throw new CoverageError('InvalidTime', `invalid time ${time.begin}/${time.end}`);
    const listed = dimension.values.some((v) => {
      const t = Date.parse(v);
      return t >= begin && t <= end;
    });
    return { window: time, listed };
  }

  /** The granules a read over `target` draws, in drawing order (bottom first). */
  async function granulesFor(resolved: Resolved, target: Grid, time: ReadRequest['time'], subject: Subject): Promise<Granule[]> {
    if (resolved.granule) return [resolved.granule];
    const { entry, description } = resolved;
    const { window, listed } = timeWindow(description, time);
    const box = gridBbox(target);
    if (entry.collection && series) {
      // A series' time values are everyone's view (catalogue-series.ts): a reader's own private
      // granules are at times not listed, so an unlisted time is refused only when the reader
      // has no granule there either (anywhere: the area may simply miss a listed time's data).
      const found = await series.granules(entry, { bbox: toCrs84(box, target.crs), time: window }, subject);
      if (!listed && found.length === 0 && (await series.granules(entry, { time: window, limit: 1 }, subject)).length === 0) throw noDataAt(description, window!);
      return found.reverse();
    }
    if (!listed) throw noDataAt(description, window!);
    const inTime = (g: Granule) => !window || (g.time !== undefined && g.time >= new Date(window.begin).toISOString() && g.time <= new Date(window.end).toISOString());
    // A file in the target's own CRS is compared in it; others by CRS:84 boxes, projected once
    // and only when needed (a projection of the target's box is most of a map's main-thread work).
    let area: Bbox | undefined | null = null;
    const inArea = (g: Granule) => {
      if (g.info?.crs === target.crs) return intersects(g.bbox, box);
      if (area === null) area = toCrs84(box, target.crs);
      return !area || !g.wgs84Bbox || intersects(g.wgs84Bbox, area);
    };
    const chosen = entry.granules.filter((g) => inTime(g) && inArea(g));
    return chosen.slice(-config.catalogue.maxGranulesPerRead);
  }

  function bandsOf(description: CoverageDescription, bands: number[] | undefined): number[] {
    const all = description.bands.map((_, i) => i);
    if (!bands) return all;
    for (const b of bands) if (!Number.isInteger(b) || b < 0 || b >= description.bands.length) throw new CoverageError('NoSuchBand', `coverage '${description.id}' has no band ${b + 1}`);
    return bands;
  }

  function layerPlan(resolved: Resolved, granules: Granule[], bands: number[], resampling: LayerPlan['resampling'] | undefined): LayerPlan {
    const { description, entry } = resolved;
    return {
      sources: granules.map((g) => g.ref),
      bands,
      bandDescriptions: bands.map((b) => description.bands[b]!),
      nodata: description.bands[bands[0] ?? 0]?.nodata ?? entry.nodataOverride,
      resampling: resampling ?? entry.resampling,
    };
  }

  /** What a worker needs to read a request (the coverage looked up for the subject, its granules). */
  async function readPlan(request: ReadRequest, subject: Subject): Promise<{ layer: LayerPlan; target: Grid; sampleType: SampleType }> {
    await initialScan;
    const resolved = await require(request.coverage, subject);
    const bands = bandsOf(resolved.description, request.bands);
    checkTarget(request.target, limits, bands.length);
    const granules = await granulesFor(resolved, request.target, request.time, subject);
    const layer = layerPlan(resolved, granules, bands, request.resampling);
    const sampleType = request.sampleType ?? resolved.description.bands[bands[0]!]!.sampleType;
    return { layer, target: request.target, sampleType };
  }

  function styleOf(entry: CoverageEntry, name: string | undefined): StyleConfig {
    const style = entry.styles.find((s) => s.name === (name || entry.defaultStyle));
    if (!style) throw new CoverageError('NoSuchStyle', `coverage '${entry.description.id}' has no style '${name}'`);
    return style;
  }

  /**
   * Statistics for percentile stretches, computed once per coverage and source granule from a
   * coarse read. Keyed by the granule as well: a series' granules are those the subject may read,
   * so another subject's statistics could come from a granule this one may not see.
   */
  function statisticsOf(resolved: Resolved, granules: Granule[]): Promise<BandStatistics[]> | undefined {
    const source = resolved.entry.granules[resolved.entry.granules.length - 1] ?? granules[granules.length - 1];
    if (!source) return undefined;
    const bands = resolved.entry.description.bands.map((_, i) => i);
    const key = `${resolved.entry.description.id}\u0000${source.ref.id}`;
    let found = stats.get(key);
    if (!found) {
      found = pool.run<BandStatistics[]>({ op: 'stats', source: source.ref, bands, nodata: resolved.entry.nodataOverride });
      stats.set(key, found);
      found.catch(() => stats.delete(key));
    }
    return found;
  }

  async function styledPlan(resolved: Resolved, styleName: string | undefined, target: Grid, time: ReadRequest['time'], resampling: LayerPlan['resampling'] | undefined, subject: Subject): Promise<StyledLayerPlan> {
    const style = resolveStyle(styleOf(resolved.entry, styleName), resolved.description.bands);
    const granules = await granulesFor(resolved, target, time, subject);
    const plan = layerPlan(resolved, granules, style.bands, resampling);
    const statistics = style.needsStatistics && granules.length > 0 ? await statisticsOf(resolved, granules) : undefined;
    return { ...plan, style, stats: statistics, pixelSize: pixelSizeMetres(target) };
  }

  function output(body: Uint8Array, format: keyof typeof CONTENT_TYPES, id?: string): EncodedOutput {
    const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const ext = format === 'geotiff' ? 'tif' : format === 'jpeg' ? 'jpg' : format;
    return { body: buffer, contentType: CONTENT_TYPES[format], filename: id ? `${id}.${ext}` : undefined };
  }

  /**
   * Runs an encoding task; with `transient`, into a shared buffer taken for it (about `bound`
   * bytes, the most the output may need), whose view is the body until release() gives it back.
   * An output that does not fit comes back as a buffer of its own, as without.
   */
  async function encoded(task: Extract<WorkerTask, { op: 'coverage' | 'map' }>, transient: boolean | undefined, bound: number, format: keyof typeof CONTENT_TYPES, id?: string): Promise<EncodedOutput> {
    if (!transient) return output(await pool.run<Uint8Array>(task), format, id);
    const into = outputs.take(bound);
    let reply: Uint8Array | WrittenOutput;
    try {
      reply = await pool.run<Uint8Array | WrittenOutput>({ ...task, into });
    } catch (err) {
      outputs.give(into);
      throw err;
    }
    if (reply instanceof Uint8Array) {
      outputs.give(into);
      return output(reply, format, id);
    }
    let released = false;
    return {
      ...output(new Uint8Array(into, 0, reply.written), format, id),
      release: () => {
        if (released) return;
        released = true;
        outputs.give(into);
      },
    };
  }

  const service: CoveragesEngine = {
    limits,

    async list(subject) {
      await initialScan;
      const entries = [...configured.all(), ...(series?.all() ?? [])];
      const allowed = await Promise.all(entries.map((e) => readable(e, subject)));
      return entries.filter((_, i) => allowed[i]).map((e) => e.description);
    },

    get(id, subject) {
      // A config coverage whose read answer for this subject is kept: answered at once (a cached
      // WMTS tile asks this on every request); anything else goes the whole way.
      if (scanDone) {
        const entry = configured.get(id);
        if (entry && !(entry.collection && options.catalogue)) {
          const known = readAnswers.get(subject)?.get(entry);
          if (known && Date.now() - known.at < READ_ANSWER_MS) return Promise.resolve(known.ok ? entry.description : undefined);
        }
      }
      return initialScan.then(() => resolve(id, subject)).then((resolved) => resolved?.description);
    },

    async granules(id, query: GranuleQuery, subject) {
      await initialScan;
      const resolved = await require(id, subject);
      const { entry } = resolved;
      if (resolved.granule) return [resolved.description];
      let granules: Granule[];
      if (entry.collection && series) granules = await series.granules(entry, query, subject);
      else {
        const begin = query.time ? new Date(query.time.begin).toISOString() : undefined;
        const end = query.time ? new Date(query.time.end).toISOString() : undefined;
        const contains = query.containment === 'contains';
        const inArea = (g: Granule) => !query.bbox || !g.wgs84Bbox || (contains ? within(g.wgs84Bbox, query.bbox) : intersects(g.wgs84Bbox, query.bbox));
        // A file has an instant, so overlapping and being contained are the same in time.
        const inTime = (g: Granule) => !begin || (g.time !== undefined && g.time >= begin && g.time <= end!);
        granules = entry.granules.filter((g) => inArea(g) && inTime(g)).reverse().slice(0, query.limit ?? Infinity);
      }
      return Promise.all(granules.map((g) => granuleDescription(entry, g, g.product ? productCoverageId(g.product) : `${entry.description.id}.${g.name}`)));
    },

    async read(request, subject): Promise<Raster> {
      return pool.run<Raster>({ op: 'read', ...(await readPlan(request, subject)) });
    },

    async computeRows(request, subject) {
      const reads = await Promise.all(request.reads.map((r) => readPlan(r, subject)));
      return pool.run<ComputedRows>({ op: 'computeRows', reads, kernel: request.kernel, output: request.output, chunk: request.chunk });
    },

    encodeRows(chunk) {
      const buffers = chunk.bands.map((b) => b.buffer as ArrayBuffer);
      return pool.run<Uint8Array[]>({ op: 'encodeRows', chunk }, buffers);
    },

    async coverage(request: CoverageOutputRequest, subject) {
      await initialScan;
      const resolved = await require(request.coverage, subject);
      const bands = bandsOf(resolved.description, request.bands);
      checkTarget(request.target, limits, bands.length);
      const granules = await granulesFor(resolved, request.target, request.time, subject);
      const layer = layerPlan(resolved, granules, bands, request.resampling);
      const sampleType = request.sampleType ?? resolved.description.bands[bands[0]!]!.sampleType;
      let style: { style: ResolvedStyle; stats?: BandStatistics[]; pixelSize: [number, number] } | undefined;
      if (request.format !== 'geotiff') {
        const styled = await styledPlan(resolved, request.style, request.target, request.time, request.resampling, subject);
        Object.assign(layer, { sources: styled.sources, bands: styled.bands, bandDescriptions: styled.bandDescriptions });
        style = { style: styled.style, stats: styled.stats, pixelSize: styled.pixelSize };
      }
      const task = {
        op: 'coverage' as const,
        layer,
        target: request.target,
        sampleType,
        format: request.format,
        geotiff: request.geotiff,
        bandNames: layer.bandDescriptions.map((b) => b.name),
        style,
      };
      // The most a GeoTIFF can take: its samples (deflate's stored blocks add 0.1%), overviews, headers.
      const cells = request.target.width * request.target.height;
      const bound = request.format === 'geotiff' ? cells * layer.bands.length * SAMPLE_BYTES[sampleType] * (request.geotiff?.cog ? 1.4 : 1.01) + 65536 : cells * 4 + request.target.height + 65536;
      return encoded(task, request.transientBody, bound, request.format, resolved.description.id);
    },

    async map(request: MapRequest, subject) {
      await initialScan;
      if (!(request.format in CONTENT_TYPES) || request.format === ('geotiff' as never)) throw new CoverageError('UnsupportedFormat', `format ${request.format} is not served`);
      checkTarget(request.target, limits, 4);
      const resolved = await Promise.all(request.layers.map((l) => require(l.coverage, subject)));
      const layers = await Promise.all(request.layers.map((l, i) => styledPlan(resolved[i]!, l.style, request.target, l.time, request.resampling, subject)));
      const task = {
        op: 'map' as const,
        layers,
        target: request.target,
        format: request.format,
        transparent: request.transparent ?? false,
        bgcolor: request.bgcolor ?? 0xffffff,
        quality: request.quality,
      };
      // An RGBA PNG's rows with their filter bytes, stored uncompressed, is the most a map takes.
      return encoded(task, request.transientBody, request.target.width * request.target.height * 4 + request.target.height + 65536, request.format);
    },

    async pointValues(request: PointRequest, subject): Promise<PointValues> {
      await initialScan;
      const resolved = await require(request.coverage, subject);
      const { description } = resolved;
      const [lon, lat] = transformPoints([[request.x, request.y]], request.crs, 'OGC:CRS84')[0]!;
      const probe: Grid = { crs: 'OGC:CRS84', width: 1, height: 1, transform: [lon - 1e-9, 2e-9, 0, lat + 1e-9, 0, -2e-9] };
      const granules = Number.isFinite(lon) ? await granulesFor(resolved, probe, request.time, subject) : [];
      // Top granule first: the first that has data under the point answers.
      for (const granule of granules.reverse()) {
        const info: SourceInfo = granule.info ?? (await configured.describe(granule.ref));
        const [x, y] = info.crs === request.crs ? [request.x, request.y] : transformPoints([[request.x, request.y]], request.crs, info.crs)[0]!;
        const t = info.transform;
        const det = t[1] * t[5] - t[2] * t[4];
        const column = Math.floor(((x - t[0]) * t[5] - (y - t[3]) * t[2]) / det);
        const row = Math.floor(((y - t[3]) * t[1] - (x - t[0]) * t[4]) / det);
        if (!(column >= 0 && row >= 0 && column < info.width && row < info.height)) continue;
        const pixel: Grid = { crs: info.crs, width: 1, height: 1, transform: [t[0] + column * t[1] + row * t[2], t[1], t[2], t[3] + column * t[4] + row * t[5], t[4], t[5]] };
        const bands = description.bands.map((_, i) => i);
        const layer = layerPlan(resolved, [granule], bands, 'nearest');
        const raster = await pool.run<Raster>({ op: 'read', layer, target: pixel, sampleType: 'float64' });
        if (raster.mask && raster.mask[0] === 0) continue;
        return {
          coverage: description.id,
          values: description.bands.map((band, i) => ({ band: band.name, value: Number(raster.bands[i]![0]), unit: band.unit })),
          pixel: { column, row },
          time: granule.time,
          product: granule.product,
        };
      }
      return { coverage: description.id, values: null };
    },

    async legend(request: LegendRequest, subject) {
      await initialScan;
      const resolved = await require(request.coverage, subject);
      const style = resolveStyle(styleOf(resolved.entry, request.style), resolved.description.bands);
      let granules = resolved.entry.granules;
      if (style.needsStatistics && granules.length === 0 && resolved.entry.collection && series) {
        granules = await series.granules(resolved.entry, { limit: 1 }, subject);
      }
      const statistics = style.needsStatistics && granules.length ? await statisticsOf(resolved, granules) : undefined;
      const body = await pool.run<Uint8Array>({
        op: 'legend',
        style,
        bands: resolved.description.bands,
        stats: statistics,
        format: request.format,
        width: request.width,
        height: request.height,
      });
      return output(body, request.format);
    },

    onChange(listener) {
      events.on('change', listener);
      return () => events.off('change', listener);
    },

    refresh,

    async addCoverages(configs) {
      await initialScan;
      configured.add(configs);
      await refresh();
    },

    async close() {
      await initialScan;
      if (timer) clearInterval(timer);
      if (pendingRefresh) clearTimeout(pendingRefresh);
      unsubscribe?.();
      await refreshing;
      await pool.close();
    },
  };
  return service;
}

