/**
 * Imports started over HTTP run as jobs on the core queue (type `features.import`), in whichever
 * process runs jobs: the uploaded file (in the blob store) is copied to a temporary file, read
 * with the reader of its format and imported as the subject who sent it. The full report (JSON
 * lines) goes to the blob store; the job's result holds the totals and the first rejections.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { authenticatedSubject } from '../../../core/auth/index.js';
import type { JobQueue } from '../../../core/jobs/types.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { FeaturesService } from '../types.js';
import type { ImportReport, RowRejection } from './importer.js';
import type { VectorFormat } from './types.js';

export const IMPORT_JOB_TYPE = 'features.import';
/** Rejections kept in the job result; the report blob has them all. */
export const RESULT_REJECTIONS = 100;
const PROGRESS_EVERY_MS = 500;

/** What the request asked for, as the job reads it. */
export interface ImportRequestOptions {
  format?: VectorFormat;
  collection?: string;
  layer?: string;
  crs?: string;
  wktColumn?: string;
  lonColumn?: string;
  latColumn?: string;
  delimiter?: string;
  encoding?: string;
  title?: string;
  temporalProperty?: string;
  assignIds?: boolean;
}

export interface ImportJobPayload {
  upload: { key: string; name: string; bytes: number };
  options: ImportRequestOptions;
  /** Who sent the file: the import writes as them, under the same policy. */
  subject: { id: string; issuer: string; method: string; groups: string[] };
}

export interface ImportJobResult {
  summary?: ImportReport;
  /** Why nothing was imported (an unreadable file, an unknown layer). */
  error?: string;
  rejected: RowRejection[];
  /** Blob key of the whole report. */
  report: string;
}

export interface ImportJobDeps {
  features: FeaturesService;
  blobs: BlobStore;
  jobs: JobQueue;
  logger: Logger;
}

export const reportKey = (jobId: string) => `features-import/${jobId}/report.jsonl`;
export const uploadKey = (jobId: string) => `features-import/${jobId}/upload`;

const EXTENSIONS: Record<VectorFormat, string> = { geojson: '.geojson', geopackage: '.gpkg', shapefile: '.zip', csv: '.csv', topojson: '.topojson' };

export function registerImportJob(deps: ImportJobDeps): void {
  deps.jobs.register(IMPORT_JOB_TYPE, async (job) => {
    // Loaded with the first import: the readers stay off the server's start-up path.
    const { importVectorSource } = await import('./importer.js');
    const { openVectorFile } = await import('./readers/index.js');
    const p = job.payload as ImportJobPayload;
    const key = reportKey(job.id);
    const report = new PassThrough();
    const stored = deps.blobs.put(key, report, { contentType: 'application/x-ndjson' });
    const rejected: RowRejection[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'meridian-features-import-'));
    let last = 0;
    try {
      // A local copy: GeoPackages are SQLite files and zipped shapefiles need seeking.
      const file = join(dir, `upload${p.options.format ? EXTENSIONS[p.options.format] : ''}`);
      await pipeline((await deps.blobs.get(p.upload.key)).body, createWriteStream(file));
      const o = p.options;
      let summary: ImportReport;
      try {
        const source = await openVectorFile(file, { format: o.format, name: layerName(p.upload.name), delimiter: o.delimiter, encoding: o.encoding, wktColumn: o.wktColumn, lonColumn: o.lonColumn, latColumn: o.latColumn, crs: o.crs });
        try {
          summary = await importVectorSource(deps.features, source, p.upload.name, authenticatedSubject(p.subject), {
            layer: o.layer,
            collection: o.collection,
            crs: o.crs,
            title: o.title,
            temporalProperty: o.temporalProperty,
            ids: o.assignIds ? 'assign' : 'source',
            signal: job.signal,
            onRejected(r) {
              report.write(`${JSON.stringify(r)}\n`);
              if (rejected.length < RESULT_REJECTIONS) rejected.push(r);
            },
            onProgress(progress) {
              const now = Date.now();
              if (now - last < PROGRESS_EVERY_MS) return;
              last = now;
              const percent = progress.fraction === undefined ? 0 : Math.min(99, Math.floor(progress.fraction * 100));
              job.progress(percent, `${progress.layer}: ${progress.imported} features imported, ${progress.rejected} rejected`).catch((err: unknown) => deps.logger.warn({ err, job: job.id }, 'import progress not recorded'));
            },
          });
        } finally {
          await source.close();
        }
      } catch (err) {
        // Nothing more is imported: the report ends with the reason, the job fails with it.
        report.end(`${JSON.stringify({ type: 'error', reason: (err as Error).message })}\n`);
        await stored;
        throw err;
      }
      report.end(`${JSON.stringify(summary)}\n`);
      await stored;
      await job.progress(100, `${summary.imported} features imported, ${summary.rejected} rejected`);
      const result: ImportJobResult = { summary, rejected, report: key };
      return result;
    } catch (err) {
      if (!report.writableEnded) report.end();
      await stored.catch(() => undefined);
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
      await deps.blobs.delete(p.upload.key).catch(() => undefined);
    }
  });
}

/** A layer name from the uploaded file's name ('roads.geojson' is 'roads'). */
function layerName(upload: string): string {
  return upload.replace(/\.[^.]*$/, '') || 'upload';
}
