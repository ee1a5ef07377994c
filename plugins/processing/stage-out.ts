/**
 * Stage-out: what a tool produced, moved to the blob store under the owner's workspace
 * (`workspaces/<owner>/jobs/<jobId>/<output>/<file>`), described by a STAC catalog there
 * (`.../catalog.json`, one item per file), and registered in the catalogue as products of the
 * results collection when the catalogue is enabled (private to the owner). With the s3 plugin's
 * workspaces on, that prefix is the owner's workspace bucket (`ws-<owner>`, created on first use):
 * the same blobs, listed and downloaded with the owner's S3 keys as `s3://ws-<owner>/jobs/<id>/...`,
 * which the STAC items and catalogue products carry as an alternate href.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Logger } from 'pino';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { GeoJSONGeometry } from '../../core/storage/db/types.js';
import { workspacePrefix } from '../../core/storage/blobs/workspaces.js';
import type { CatalogueRecordInput, CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import { runCommand } from './backends/run-command.js';
import { DEFAULT_FILE_MEDIA_TYPE, mediaTypeOfFormat } from './cwl/describe.js';
import type { JobResult, ProcessDescription, StoredOutput } from './types.js';

export interface StageOutDeps {
  blobs: BlobStore;
  catalogue?: CatalogueService;
  /** The s3 plugin's references: results in the owner's workspace bucket get an `s3://` href too. */
  s3?: S3ObjectsService;
  resultsCollection: string;
  logger: Logger;
}

export interface StageOutJob {
  jobId: string;
  processId: string;
  /** Whose workspace receives the results ('anonymous' for anonymous callers). */
  owner: string;
  /** The job's status URL, linked from the STAC items and catalogue products. */
  statusUrl?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `workspaces/<owner>/jobs/<jobId>/`: the job's folder in its owner's workspace. */
export function jobPrefix(owner: string, jobId: string): string {
  return `${workspacePrefix(owner)}jobs/${safeSegment(jobId)}/`;
}

/** The STAC alternate-assets extension: an asset's other locations (here its s3:// URL). */
const ALTERNATE_ASSETS = 'https://stac-extensions.github.io/alternate-assets/v1.2.0/schema.json';

function safeSegment(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9._@-]/g, '_');
  return clean === '.' || clean === '..' || clean === '' ? '_' : clean;
}

interface StagedFileInfo {
  key: string;
  output: string;
  mediaType: string;
  size: number;
  /** `s3://<workspace bucket>/...` when the owner's workspace bucket holds it. */
  s3Url?: string;
  geometry?: GeoJSONGeometry;
  bbox?: [number, number, number, number];
}

export async function stageOutputs(description: ProcessDescription, produced: Record<string, unknown>, job: StageOutJob, deps: StageOutDeps, signal: AbortSignal): Promise<JobResult> {
  const prefix = jobPrefix(job.owner, job.jobId);
  const files: StagedFileInfo[] = [];
  const outputs: Record<string, StoredOutput> = {};
  for (const [id, d] of Object.entries(description.outputs)) {
    if (!(id in produced)) continue;
    const declared = typeof d.schema.contentMediaType === 'string' ? d.schema.contentMediaType : undefined;
    outputs[id] = await stageValue(produced[id], id, `${prefix}${safeSegment(id)}/`, declared, files, deps, signal);
  }
  await addS3Urls(files, job, deps);
  const stacCatalog = `${prefix}catalog.json`;
  signal.throwIfAborted();
  await writeStac(stacCatalog, prefix, files, job, deps.blobs);
  const result: JobResult = { outputs, stacCatalog };
  signal.throwIfAborted();
  if (deps.catalogue && files.length > 0) result.catalogue = await registerResults(files, job, deps);
  return result;
}

/**
 * Deletes every file under the job's prefix in the owner's workspace: the results of a job being
 * deleted, or what a job dismissed during stage-out had staged (a dismissed job is never deleted
 * later, so its files would stay for good).
 */
export async function discardJobFiles(owner: string, jobId: string, blobs: BlobStore): Promise<void> {
  const prefix = jobPrefix(owner, jobId);
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await blobs.list(prefix, cursor ? { cursor } : {});
    keys.push(...page.items.map((i) => i.key));
    cursor = page.nextCursor;
  } while (cursor);
  for (const key of keys) await blobs.delete(key);
}

async function stageValue(value: unknown, output: string, prefix: string, declared: string | undefined, files: StagedFileInfo[], deps: StageOutDeps, signal: AbortSignal): Promise<StoredOutput> {
  if (Array.isArray(value)) {
    const items: StoredOutput[] = [];
    for (let i = 0; i < value.length; i++) items.push(await stageValue(value[i], output, `${prefix}${i}/`, declared, files, deps, signal));
    return { items };
  }
  if (isObject(value) && value.class === 'File') {
    const path = filePath(value);
    const mediaType = mediaTypeOfFormat(value.format as string | undefined) ?? declared ?? DEFAULT_FILE_MEDIA_TYPE;
    return { ...(await putFile(path, `${prefix}${safeSegment(basename(path))}`, output, mediaType, files, deps, signal)) };
  }
  if (isObject(value) && value.class === 'Directory') {
    const root = filePath(value);
    const items: StoredOutput[] = [];
    for (const path of await walk(root)) {
      const key = `${prefix}${relative(root, path).split('/').map(safeSegment).join('/')}`;
      items.push(await putFile(path, key, output, guessMediaType(path), files, deps, signal));
    }
    return { items };
  }
  return { value };
}

function filePath(value: Json): string {
  if (typeof value.path === 'string') return value.path;
  if (typeof value.location === 'string' && value.location.startsWith('file://')) return decodeURIComponent(new URL(value.location).pathname);
  throw new Error('an output file has neither path nor a file:// location');
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function guessMediaType(path: string): string {
  if (/\.tiff?$/i.test(path)) return 'image/tiff; application=geotiff';
  if (/\.json$/i.test(path)) return 'application/json';
  if (/\.geojson$/i.test(path)) return 'application/geo+json';
  if (/\.(txt|log)$/i.test(path)) return 'text/plain';
  if (/\.png$/i.test(path)) return 'image/png';
  return DEFAULT_FILE_MEDIA_TYPE;
}

async function putFile(path: string, key: string, output: string, mediaType: string, files: StagedFileInfo[], deps: StageOutDeps, signal: AbortSignal): Promise<StoredOutput> {
  // A job dismissed during stage-out stages nothing more (the runner then discards what it staged).
  signal.throwIfAborted();
  const { size } = await stat(path);
  await deps.blobs.put(key, createReadStream(path), { contentType: mediaType, size });
  const info: StagedFileInfo = { key, output, mediaType, size };
  if (/image\/tiff/i.test(mediaType)) Object.assign(info, await footprint(path, signal));
  files.push(info);
  return { blobKey: key, mediaType, size };
}

/** The raster's footprint in CRS:84 from gdalinfo, when it has a georeference. */
async function footprint(path: string, signal: AbortSignal): Promise<{ geometry?: GeoJSONGeometry; bbox?: [number, number, number, number] }> {
  try {
    const r = await runCommand('gdalinfo', ['-json', path], { cwd: '/', signal, captureStdout: true, onLine: () => {} });
    if (r.code !== 0) return {};
    const info = JSON.parse(r.stdout) as { wgs84Extent?: { type: string; coordinates: number[][][] } };
    if (!info.wgs84Extent || info.wgs84Extent.type !== 'Polygon') return {};
    const ring = info.wgs84Extent.coordinates[0]!;
    const xs = ring.map((p) => p[0]!);
    const ys = ring.map((p) => p[1]!);
    return { geometry: info.wgs84Extent as GeoJSONGeometry, bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
  } catch {
    return {};
  }
}

/**
 * The results' s3:// URLs in the owner's workspace bucket (which the s3 plugin creates on first
 * use): no copy, the bucket's objects are the workspace's blobs. A failure costs the alternates only.
 */
async function addS3Urls(files: StagedFileInfo[], job: StageOutJob, deps: StageOutDeps): Promise<void> {
  if (!deps.s3 || job.owner === 'anonymous' || files.length === 0) return;
  try {
    for (const file of files) {
      const url = await deps.s3.workspaceUrl(job.owner, file.key);
      if (url) file.s3Url = url;
    }
  } catch (err) {
    deps.logger.warn({ err, job: job.jobId, owner: job.owner }, 'stage-out: no workspace bucket for the results; they have no s3:// href');
  }
}

/** A STAC asset's `alternate` member naming its s3:// URL. */
function s3Alternate(file: StagedFileInfo): Json {
  return file.s3Url ? { alternate: { s3: { href: file.s3Url, title: 'S3 (the owner\'s workspace bucket)' } } } : {};
}

function itemId(job: StageOutJob, file: StagedFileInfo, files: StagedFileInfo[]): string {
  const sameOutput = files.filter((f) => f.output === file.output);
  return sameOutput.length === 1 ? `${job.jobId}-${file.output}` : `${job.jobId}-${file.output}-${sameOutput.indexOf(file)}`;
}

/** A STAC 1.0 catalog at `catalogKey` with one item per file; hrefs relative, so the folder can be copied whole. */
async function writeStac(catalogKey: string, prefix: string, files: StagedFileInfo[], job: StageOutJob, blobs: BlobStore): Promise<void> {
  const now = new Date().toISOString();
  const links: Json[] = [{ rel: 'root', href: './catalog.json', type: 'application/json' }, { rel: 'self', href: './catalog.json', type: 'application/json' }];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const id = itemId(job, file, files);
    const itemKey = `${prefix}items/${safeSegment(id)}.json`;
    const item = {
      type: 'Feature',
      stac_version: '1.0.0',
      ...(file.s3Url ? { stac_extensions: [ALTERNATE_ASSETS] } : {}),
      id,
      geometry: file.geometry ?? null,
      ...(file.bbox ? { bbox: file.bbox } : {}),
      properties: { datetime: now, 'processing:job': job.jobId, 'processing:process': job.processId, 'processing:output': file.output },
      assets: { [file.output]: { href: `../${file.key.slice(prefix.length)}`, type: file.mediaType, roles: ['data'], 'file:size': file.size, ...s3Alternate(file) } },
      links: [
        { rel: 'root', href: '../catalog.json', type: 'application/json' },
        { rel: 'parent', href: '../catalog.json', type: 'application/json' },
        ...(job.statusUrl ? [{ rel: 'via', href: job.statusUrl, type: 'application/json', title: 'The job that produced it' }] : []),
      ],
    };
    await blobs.put(itemKey, JSON.stringify(item, null, 2), { contentType: 'application/geo+json' });
    links.push({ rel: 'item', href: `./items/${safeSegment(id)}.json`, type: 'application/geo+json' });
  }
  const catalog = { type: 'Catalog', stac_version: '1.0.0', id: `job-${job.jobId}`, description: `Results of job ${job.jobId} (process ${job.processId})`, links };
  await blobs.put(catalogKey, JSON.stringify(catalog, null, 2), { contentType: 'application/json' });
}

/**
 * The href the catalogue gives a staged-out file: its path on an fs store (so coverages can read
 * it), else its s3:// URL (coverages read those through the s3 plugin, as the reader), else blob:KEY.
 */
function assetHref(blobs: BlobStore, file: StagedFileInfo): string {
  const local = (blobs as BlobStore & { localPath?(key: string): string }).localPath;
  if (typeof local === 'function') return local.call(blobs, file.key);
  return file.s3Url ?? `blob:${file.key}`;
}

async function registerResults(files: StagedFileInfo[], job: StageOutJob, deps: StageOutDeps): Promise<{ collection: string; products: string[] }> {
  const catalogue = deps.catalogue!;
  const collection = deps.resultsCollection;
  const existing = await catalogue.stamps([collection]);
  const now = new Date().toISOString();
  const records: CatalogueRecordInput[] = [];
  if (!existing.has(collection)) {
    records.push({ identifier: collection, type: 'collection', title: 'Processing results', abstract: 'Products made by processing jobs on this platform; each is visible to whoever ran the job.', start: now, openEnd: true, visibility: 'public', keywords: ['processing', 'results'] });
  }
  const products: string[] = [];
  files.forEach((file, i) => {
    const identifier = itemId(job, file, files);
    products.push(identifier);
    records.push({
      identifier,
      type: 'product',
      parentIdentifier: collection,
      title: `${job.processId} ${file.output} (job ${job.jobId})`,
      geometry: file.geometry ?? null,
      start: now,
      end: now,
      owner: job.owner,
      visibility: 'private',
      processorName: job.processId,
      processingDate: now,
      keywords: ['processing-result', job.processId],
      assets: { data: dataAssetOf(deps.blobs, file) },
      links: job.statusUrl ? [{ rel: 'via', href: job.statusUrl, type: 'application/json', title: 'The job that produced it' }] : [],
      properties: { 'processing:job': job.jobId, 'processing:blobKey': file.key, ...(file.s3Url ? { stac_extensions: [ALTERNATE_ASSETS] } : {}) },
    });
  });
  await catalogue.upsert(records);
  return { collection, products };
}

function dataAssetOf(blobs: BlobStore, file: StagedFileInfo): Json & { href: string } {
  const href = assetHref(blobs, file);
  return { href, type: file.mediaType, roles: ['data'], 'file:size': file.size, ...(file.s3Url && file.s3Url !== href ? s3Alternate(file) : {}) };
}
