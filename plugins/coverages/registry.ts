/**
 * The coverages the engine serves from config: single files, mosaics (a glob or blob prefix)
 * and file series (a glob with a time pattern). Each source's header is read once (in a worker)
 * and re-read only when the file's size/mtime or the blob's etag changes; a re-scan finds new
 * and removed files without a restart.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { GeoJSONGeometry } from '../../core/filter/ast.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import { FsBlobStore } from '../../core/storage/blobs/fs.js';
import type { CoverageConfig } from './config.js';
import { timeFromName } from './file-time.js';
import { expandGlob, isGlob } from './glob.js';
import { gridBbox, toCrs84, union } from './grid.js';
import { productCoverageId } from './ids.js';
import type { WorkerPool } from './pool/index.js';
import type { SourceInfo, SourceRef } from './pool/tasks.js';
import { defaultStyles, type StyleConfig } from './render/index.js';
import type { Bbox, CoverageDescription, Resampling, StyleDescription } from './types.js';

/** One file of a coverage, with what its header says. */
export interface Granule {
  ref: SourceRef;
  /** Header facts: always known for config files; read on demand for catalogue granules. */
  info?: SourceInfo;
  /** Native bbox and CRS:84 bbox. */
  bbox: Bbox;
  wgs84Bbox?: Bbox;
  time?: string;
  /** For config granules: the file's name without extension, as an NCName part (the granule's id is `<coverage>.<name>`). */
  name?: string;
  /** For catalogue granules. */
  product?: string;
  footprint?: GeoJSONGeometry;
  updated?: string;
}

export interface CoverageEntry {
  description: CoverageDescription;
  /** Files of a config coverage, in drawing order (a series: ascending time). Empty for catalogue series (queried per read). */
  granules: Granule[];
  styles: StyleConfig[];
  defaultStyle: string;
  visibility: string;
  owner?: string;
  resampling: Resampling;
  nodataOverride?: number;
  /** A catalogue series: its collection id. */
  collection?: string;
}

/** Where a config coverage's files are: a file path, a blob key, or an http URL, with a version. */
async function locate(config: CoverageConfig, blobs: BlobStore): Promise<Array<{ ref: SourceRef; name: string }>> {
  if (config.path) {
    const paths = isGlob(config.path) ? await expandGlob(config.path) : [config.path];
    const found: Array<{ ref: SourceRef; name: string }> = [];
    for (const path of paths) {
      if (isGlob(config.path) && !/\.tiff?$/i.test(path)) continue;
      const s = await stat(path);
      found.push({ ref: { kind: 'file', id: `file:${path}@${s.size}:${s.mtimeMs}`, path }, name: path });
    }
    return found;
  }
  if (config.url) return [{ ref: { kind: 'http', id: `url:${config.url}`, url: config.url }, name: config.url }];
  const key = config.blob!;
  const keys: Array<{ key: string; etag: string; size: number }> = [];
  if (key.endsWith('/')) {
    let cursor: string | undefined;
    do {
      const page = await blobs.list(key, { cursor, limit: 1000 });
      for (const item of page.items) if (/\.tiff?$/i.test(item.key)) keys.push({ key: item.key, etag: item.etag, size: item.size });
      cursor = page.nextCursor;
    } while (cursor);
  } else {
    const head = await blobs.head(key);
    if (!head) throw new Error(`blob ${key} does not exist`);
    keys.push({ key, etag: head.etag, size: head.size });
  }
  return keys.map((k) => ({ ref: blobRef(blobs, k.key, k.etag, k.size), name: k.key }));
}

/** A blob as a worker reads it: the file itself for the fs store, ranges over a port otherwise. */
export function blobRef(blobs: BlobStore, key: string, etag: string, size: number): SourceRef {
  const id = `blob:${key}@${etag}`;
  return blobs instanceof FsBlobStore ? { kind: 'file', id, path: blobs.localPath(key) } : { kind: 'blob', id, key, size };
}

/** Style names and titles for descriptions; config styles first, then generated defaults when none. */
export function styleDescriptions(styles: StyleConfig[], defaultStyle: string): StyleDescription[] {
  return styles.map((s) => ({ name: s.name, title: s.title ?? s.name, abstract: s.abstract, default: s.name === defaultStyle }));
}

export function versionOf(parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex').slice(0, 16);
}

export class ConfigCoverages {
  private entries = new Map<string, CoverageEntry>();
  private readonly describeCache = new Map<string, Promise<SourceInfo>>();

  private readonly configs: CoverageConfig[];

  constructor(
    configs: CoverageConfig[],
    private readonly pool: WorkerPool,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
  ) {
    this.configs = [...configs];
  }

  /** Adds coverages at run time (the sample rasters once written); served from the next refresh. */
  add(configs: CoverageConfig[]): void {
    for (const config of configs) if (!this.configs.some((c) => c.id === config.id)) this.configs.push(config);
  }

  get(id: string): CoverageEntry | undefined {
    return this.entries.get(id);
  }

  all(): CoverageEntry[] {
    return [...this.entries.values()];
  }

  /** Headers of a source, read once per version. */
  describe(ref: SourceRef): Promise<SourceInfo> {
    let info = this.describeCache.get(ref.id);
    if (!info) {
      info = this.pool.run<SourceInfo>({ op: 'describe', source: ref });
      this.describeCache.set(ref.id, info);
      info.catch(() => this.describeCache.delete(ref.id));
    }
    return info;
  }

  /** Re-reads every config coverage; returns the ids whose version changed or that went away. */
  async refresh(): Promise<Array<{ id: string; removed: boolean }>> {
    const changed: Array<{ id: string; removed: boolean }> = [];
    const next = new Map<string, CoverageEntry>();
    for (const config of this.configs) {
      try {
        const built = await this.build(config);
        if (!built) continue;
        const previous = this.entries.get(config.id);
        // Unchanged data keeps its entry (and what was computed for it, such as statistics).
        const entry = previous?.description.version === built.description.version ? previous : built;
        next.set(config.id, entry);
        if (entry !== previous) changed.push({ id: config.id, removed: false });
      } catch (err) {
        this.logger.error({ err, coverage: config.id }, 'coverages: cannot read a configured coverage; it is not served');
      }
    }
    for (const id of this.entries.keys()) if (!next.has(id)) changed.push({ id, removed: true });
    const live = new Set([...next.values()].flatMap((e) => e.granules.map((g) => g.ref.id)));
    for (const id of this.describeCache.keys()) if (!live.has(id)) this.describeCache.delete(id);
    this.entries = next;
    return changed;
  }

  private async build(config: CoverageConfig): Promise<CoverageEntry | undefined> {
    const located = await locate(config, this.blobs);
    const pattern = config.time ? new RegExp(config.time.pattern) : undefined;
    const granules: Granule[] = [];
    for (const { ref, name } of located) {
      const time = pattern ? timeFromName(name, pattern) : undefined;
      if (pattern && !time) {
        this.logger.warn({ coverage: config.id, file: name }, 'coverages: a file name gives no time; skipped');
        continue;
      }
      const info = await this.describe(ref);
      const bbox = gridBbox(info);
      granules.push({ ref, info, bbox, wgs84Bbox: toCrs84(bbox, info.crs), time, name: productCoverageId(basename(name).replace(/\.tiff?$/i, '')) });
    }
    if (granules.length === 0) {
      this.logger.warn({ coverage: config.id }, 'coverages: no GeoTIFF found; the coverage is not served');
      return undefined;
    }
    if (pattern) granules.sort((a, b) => (a.time! < b.time! ? -1 : a.time! > b.time! ? 1 : 0));
    const first = granules[0]!.info!;
    const others = granules.filter((g) => g.info!.crs !== first.crs);
    if (others.length > 0) this.logger.warn({ coverage: config.id, crs: first.crs }, 'coverages: files in another CRS than the first are mosaicked after reprojection');
    let native: Bbox | undefined;
    let wgs84: Bbox | undefined;
    for (const g of granules) {
      if (g.info!.crs === first.crs) native = union(native, g.bbox);
      if (g.wgs84Bbox) wgs84 = union(wgs84, g.wgs84Bbox);
    }
    const bands = first.bands.map((band, i) => ({ ...band, name: config.bands?.[i] ?? band.name, nodata: band.nodata ?? config.nodata }));
    const styles = config.styles?.length ? config.styles : defaultStyles(bands);
    const defaultStyle = config.defaultStyle ?? styles[0]!.name;
    const [px, py] = [first.transform[1], first.transform[5]];
    const width = Math.round((native![2] - native![0]) / Math.abs(px));
    const height = Math.round((native![3] - native![1]) / Math.abs(py));
    const times = pattern ? [...new Set(granules.map((g) => g.time!))] : [];
    const kind = granules.length === 1 && !pattern ? 'file' : pattern ? 'series' : 'mosaic';
    const version = versionOf([JSON.stringify(config), ...granules.map((g) => g.ref.id)]);
    const description: CoverageDescription = {
      id: config.id,
      title: config.title ?? config.id,
      abstract: config.abstract,
      keywords: config.keywords ?? [],
      kind,
      grid: {
        crs: first.crs,
        width,
        height,
        transform: granules.length === 1 ? first.transform : [native![0], Math.abs(px), 0, native![3], 0, -Math.abs(py)],
      },
      bbox: native!,
      wgs84Bbox: wgs84 ?? [-180, -90, 180, 90],
      bands,
      resolutions: first.levels.map((l) => [Math.abs(l.transform[1]), Math.abs(l.transform[5])] as [number, number]),
      styles: styleDescriptions(styles, defaultStyle),
      time: times.length ? { values: times, default: times[times.length - 1]! } : undefined,
      owner: config.owner,
      version,
      updated: new Date().toISOString(),
    };
    return {
      description,
      granules,
      styles,
      defaultStyle,
      visibility: config.visibility ?? 'public',
      owner: config.owner,
      resampling: config.resampling ?? 'nearest',
      nodataOverride: config.nodata,
    };
  }
}
