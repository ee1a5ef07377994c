/**
 * Imports started over HTTP run as jobs on the core queue (type `catalogue.import`), in whichever
 * process runs jobs. The full report (JSON lines) goes to the blob store; the job's result holds
 * the totals and the first rejections.
 */
import { PassThrough } from 'node:stream';
import type { JobQueue } from '../../../core/jobs/types.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { Logger } from 'pino';
import type { CatalogueService } from '../types.js';
import type { ImportSummary, Rejection } from './types.js';

export const IMPORT_JOB_TYPE = 'catalogue.import';
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Rejections kept in the job result; the report blob has them all. */
export const RESULT_REJECTIONS = 100;
const PROGRESS_EVERY_MS = 500;

export interface ImportLimits {
  maxDocumentBytes: number;
  maxSources: number;
  concurrency: number;
  timeoutMs: number;
  /** Let imports over HTTP reach hosts on internal networks (off: public hosts only). */
  allowPrivateNetworks: boolean;
}

export interface ImportJobPayload {
  /** An http(s) URL, or absent for an upload. */
  source?: string;
  upload?: { key: string; name: string };
  collection?: string;
  createCollection?: boolean;
  resume?: boolean;
  owner?: string;
}

export interface ImportJobResult {
  summary: ImportSummary;
  rejected: Rejection[];
  /** Blob key of the whole report. */
  report: string;
}

export interface ImportJobDeps {
  catalogue: CatalogueService;
  db: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  logger: Logger;
  limits: ImportLimits;
}

export const reportKey = (jobId: string) => `catalogue-import/${jobId}/report.jsonl`;
export const uploadKey = (jobId: string) => `catalogue-import/${jobId}/upload`;

export function registerImportJob(deps: ImportJobDeps): void {
  deps.jobs.register(IMPORT_JOB_TYPE, async (job) => {
    // Loaded with the first import: geotiff and the pipeline stay off the server's start-up path.
    const { runImport } = await import('./importer.js');
    const p = job.payload as ImportJobPayload;
    const key = reportKey(job.id);
    const report = new PassThrough();
    const stored = deps.blobs.put(key, report, { contentType: 'application/x-ndjson' });
    const rejected: Rejection[] = [];
    let last = 0;
    let summary: ImportSummary;
    try {
      summary = await runImport(
        { catalogue: deps.catalogue, db: deps.db, blobs: deps.blobs, logger: deps.logger },
        {
          source: p.upload ? { kind: 'upload', key: p.upload.key, name: p.upload.name } : p.source!,
          remoteOnly: true,
          collection: p.collection,
          createCollection: p.createCollection,
          resume: p.resume,
          owner: p.owner,
          concurrency: deps.limits.concurrency,
          maxDocumentBytes: deps.limits.maxDocumentBytes,
          maxSources: deps.limits.maxSources,
          timeoutMs: deps.limits.timeoutMs,
          allowPrivateNetworks: deps.limits.allowPrivateNetworks,
          signal: job.signal,
          onRejected(r) {
            report.write(`${JSON.stringify(r)}\n`);
            if (rejected.length < RESULT_REJECTIONS) rejected.push(r);
          },
          onProgress(progress) {
            const now = Date.now();
            if (now - last < PROGRESS_EVERY_MS) return;
            last = now;
            // The total grows as links are followed: never claim 100 before the end.
            const percent = progress.found > 0 ? Math.min(99, Math.floor((progress.done / progress.found) * 100)) : 0;
            const message = `${progress.done} of ${progress.found} sources; ${progress.recordsImported} records imported, ${progress.recordsRejected} rejected`;
            job.progress(percent, message).catch((err: unknown) => deps.logger.warn({ err, job: job.id }, 'import progress not recorded'));
          },
        },
      );
      report.end(`${JSON.stringify(summary)}\n`);
      await stored;
    } catch (err) {
      report.end();
      await stored.catch(() => undefined);
      throw err;
    } finally {
      if (p.upload) await deps.blobs.delete(p.upload.key).catch(() => undefined);
    }
    await job.progress(100, `${summary.records.imported} records imported, ${summary.records.rejected} records and ${summary.sources.rejected} sources rejected`);
    const result: ImportJobResult = { summary, rejected, report: key };
    return result;
  });
}
