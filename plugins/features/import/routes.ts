/**
 * The import API, under the features plugin's mount path:
 *   POST   /import?format=&collection=&layer=&crs=...   the file as the body → 202 + Location
 *   GET    /import/{id}          status, progress, totals and the first rejections
 *   GET    /import/{id}/report   every rejected row and the totals, as JSON lines
 *   DELETE /import/{id}          stops a queued or running import (whole batches written stay)
 * The body is streamed into the blob store, never held in memory; the import runs as a job.
 * Admins may import anywhere; the owner of a collection may import into it. Each sees only the
 * imports they started (admins see all).
 */
import { randomUUID } from 'node:crypto';
import { Transform } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../../core/auth/types.js';
import { BadRequest, MeridianError, NotFound } from '../../../core/errors.js';
import type { JobQueue, JobRecord } from '../../../core/jobs/types.js';
import { lookupCrs } from '../../../core/ows/crs/registry.js';
import type { PluginContext } from '../../../core/plugin.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { FeaturesService } from '../types.js';
import { IMPORT_JOB_TYPE, registerImportJob, reportKey, uploadKey, type ImportJobPayload, type ImportJobResult, type ImportRequestOptions } from './job.js';
import { FORMATS, MEDIA_TYPES } from './formats.js';
import type { VectorFormat } from './types.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 1024 ** 3;

export interface ImportRouteDeps {
  features: FeaturesService;
  jobs: JobQueue;
  blobs: BlobStore;
  auth: AuthHooks;
  /** The plugin's base URL for a request (absolute, no trailing slash). */
  baseUrl(ctx: Context): string;
  /** Largest file accepted, in bytes (default 1 GiB). */
  maxUploadBytes?: number;
}

/** Starting an import anywhere: admins (the default policy); the owner of a collection is checked on it. */
const IMPORTS = { type: 'feature-import', service: 'features' } as const;
/** An import's status and report: its starter's (and admins'), never public. */
const PRIVATE = { attributes: { visibility: 'private' } } as const;
const STRING_PARAMS = ['format', 'collection', 'layer', 'crs', 'wktColumn', 'lonColumn', 'latColumn', 'delimiter', 'encoding', 'title', 'temporalProperty', 'name'] as const;
const PARAMS = new Set<string>([...STRING_PARAMS, 'assignIds']);

/**
 * The import routes on their own router, and the job that runs them: what the features plugin's
 * setup mounts (`routes: createImportRouter(ctx, features)`).
 */
export function createImportRouter<C>(ctx: PluginContext<C>, features: FeaturesService, options: { maxUploadBytes?: number } = {}): Router {
  registerImportJob({ features, blobs: ctx.blobs, jobs: ctx.jobs, logger: ctx.logger });
  const router = new Router();
  registerImportRoutes(router, { features, jobs: ctx.jobs, blobs: ctx.blobs, auth: ctx.auth, baseUrl: (c) => ctx.baseUrl(c), maxUploadBytes: options.maxUploadBytes });
  return router;
}

export function registerImportRoutes(router: Router, deps: ImportRouteDeps): void {
  router.post('/import', async (ctx) => {
    const subject = ctx.state.subject as Subject;
    const options = requestOptions(ctx);
    await authorizeImport(ctx, deps, options.collection);
    const id = randomUUID();
    const name = typeof ctx.query.name === 'string' ? ctx.query.name : uploadName(ctx, options.format);
    const bytes = await storeUpload(ctx, deps, uploadKey(id));
    const payload: ImportJobPayload = { upload: { key: uploadKey(id), name, bytes }, options, subject: { id: subject.id, issuer: subject.issuer, method: subject.method, groups: [...subject.groups] } };
    try {
      await deps.jobs.enqueue(IMPORT_JOB_TYPE, payload, { id, owner: subject.id });
    } catch (err) {
      await deps.blobs.delete(payload.upload.key).catch(() => undefined);
      throw err;
    }
    const job = (await deps.jobs.get(id))!;
    ctx.status = 202;
    ctx.set('Location', `${deps.baseUrl(ctx)}/import/${id}`);
    ctx.body = statusDocument(job, deps.baseUrl(ctx));
  });

  router.get('/import/:id', async (ctx) => {
    const job = await ownJob(ctx, deps);
    ctx.body = statusDocument(job, deps.baseUrl(ctx));
  });

  router.get('/import/:id/report', async (ctx) => {
    const job = await ownJob(ctx, deps);
    const info = await deps.blobs.head(reportKey(job.id));
    if (!info || !ended(job)) throw new NotFound(`The report of import ${job.id} is not ready (the import is ${job.state})`, { locator: 'id' });
    const blob = await deps.blobs.get(reportKey(job.id));
    ctx.type = 'application/x-ndjson';
    ctx.length = blob.size;
    ctx.body = blob.body;
  });

  router.delete('/import/:id', async (ctx) => {
    const job = await ownJob(ctx, deps);
    if (!(await deps.jobs.cancel(job.id))) throw new MeridianError(409, `Import ${job.id} has already ended (${job.state})`, { code: 'Conflict', locator: 'id' });
    ctx.body = statusDocument((await deps.jobs.get(job.id))!, deps.baseUrl(ctx));
  });
}

/** Into an existing collection: who may write its features (its owner, admins). Anything else: who may import at all (admins). */
async function authorizeImport(ctx: Context, deps: ImportRouteDeps, collection: string | undefined): Promise<void> {
  const subject = ctx.state.subject as Subject;
  const target = collection === undefined ? undefined : await deps.features.collection(collection, subject);
  if (target) {
    const resource = { type: 'feature-collection', service: 'features', id: target.id, ...(target.owner !== undefined ? { owner: target.owner } : {}), attributes: { visibility: target.visibility } };
    await deps.auth.enforce(ctx, resource, 'create');
  } else {
    await deps.auth.enforce(ctx, IMPORTS, 'create');
  }
}

function requestOptions(ctx: Context): ImportRequestOptions {
  for (const key of Object.keys(ctx.query)) {
    if (!PARAMS.has(key)) throw new BadRequest(`Unknown parameter '${key}' (known: ${[...PARAMS].join(', ')})`, { code: 'InvalidParameterValue', locator: key });
  }
  const o: ImportRequestOptions & { name?: string } = {};
  for (const key of STRING_PARAMS) {
    const v = ctx.query[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(`${key} must be given once, not empty`, { code: 'InvalidParameterValue', locator: key });
    (o as Record<string, string>)[key] = v;
  }
  delete o.name;
  const assign = ctx.query.assignIds;
  if (assign !== undefined) {
    if (assign !== 'true' && assign !== 'false') throw new BadRequest('assignIds must be true or false', { code: 'InvalidParameterValue', locator: 'assignIds' });
    o.assignIds = assign === 'true';
  }
  const type = (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
  if (o.format === undefined && MEDIA_TYPES[type]) o.format = MEDIA_TYPES[type];
  if (o.format !== undefined && !FORMATS.includes(o.format)) throw new BadRequest(`Unknown format '${o.format}' (known: ${FORMATS.join(', ')})`, { code: 'InvalidParameterValue', locator: 'format' });
  if (o.crs !== undefined && !lookupCrs(o.crs)) throw new BadRequest(`Unknown CRS '${o.crs}'`, { code: 'InvalidParameterValue', locator: 'crs' });
  if (o.delimiter !== undefined && o.delimiter.length !== 1) throw new BadRequest('delimiter must be one character', { code: 'InvalidParameterValue', locator: 'delimiter' });
  if (o.encoding !== undefined) {
    try {
      new TextDecoder(o.encoding);
    } catch {
      throw new BadRequest(`Unknown encoding '${o.encoding}'`, { code: 'InvalidParameterValue', locator: 'encoding' });
    }
  }
  return o;
}

/** Streams the request body into the blob store, within the upload limit; its size. */
async function storeUpload(ctx: Context, deps: ImportRouteDeps, key: string): Promise<number> {
  const limit = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const tooLarge = () => new MeridianError(413, `The file is larger than the import limit of ${limit} bytes`, { code: 'PayloadTooLarge' });
  const declared = Number(ctx.get('Content-Length'));
  if (ctx.get('Content-Length') && Number.isFinite(declared) && declared > limit) throw tooLarge();
  let bytes = 0;
  let over = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) {
        over = true;
        done(tooLarge());
      } else done(null, chunk);
    },
  });
  ctx.req.on('error', (err) => counter.destroy(err));
  ctx.req.pipe(counter);
  try {
    await deps.blobs.put(key, counter, { contentType: ctx.get('Content-Type') || 'application/octet-stream', ...(ctx.get('Content-Length') ? { size: declared } : {}) });
  } catch (err) {
    await deps.blobs.delete(key).catch(() => undefined);
    if (over) throw tooLarge();
    throw new MeridianError(400, 'The uploaded file could not be read', { code: 'BadRequest', cause: err });
  }
  if (bytes === 0) {
    await deps.blobs.delete(key).catch(() => undefined);
    throw new BadRequest('The request has no file: send it as the body', { code: 'InvalidParameterValue' });
  }
  return bytes;
}

/** The import job named in the path, if the subject started it (or may read every import). */
async function ownJob(ctx: Context, deps: ImportRouteDeps): Promise<JobRecord> {
  const id = String(ctx.params.id);
  const job = await deps.jobs.get(id);
  const subject = ctx.state.subject as Subject;
  if (!job || job.type !== IMPORT_JOB_TYPE) {
    await deps.auth.enforce(ctx, { ...IMPORTS, ...PRIVATE, id, owner: subject.anonymous ? undefined : subject.id }, 'read');
    throw new NotFound(`No import ${id}`, { locator: 'id' });
  }
  await deps.auth.enforce(ctx, { ...IMPORTS, ...PRIVATE, id, ...(job.owner !== undefined ? { owner: job.owner } : {}) }, 'read');
  return job;
}

const ended = (job: JobRecord) => job.state === 'succeeded' || job.state === 'failed' || job.state === 'dismissed';

/** The uploaded file's name from Content-Disposition; 'upload' (with the format's extension) otherwise. */
function uploadName(ctx: Context, format: VectorFormat | undefined): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(ctx.get('Content-Disposition'));
  if (m) return decodeURIComponent(m[1]!).replace(/[\\/]/g, '_');
  return format ? `upload.${format}` : 'upload';
}

function statusDocument(job: JobRecord, base: string): Record<string, unknown> {
  const payload = job.payload as ImportJobPayload;
  const result = job.result as ImportJobResult | undefined;
  const self = `${base}/import/${job.id}`;
  return {
    id: job.id,
    status: job.state,
    progress: job.progress,
    ...(job.message ? { message: job.message } : {}),
    source: payload.upload.name,
    bytes: payload.upload.bytes,
    ...(payload.options.collection ? { collection: payload.options.collection } : {}),
    created: job.createdAt.toISOString(),
    ...(job.startedAt ? { started: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt ? { finished: job.finishedAt.toISOString() } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(result?.summary ? { summary: result.summary, rejected: result.rejected } : {}),
    links: [
      { rel: 'self', href: self, type: 'application/json' },
      ...(ended(job) ? [{ rel: 'report', href: `${self}/report`, type: 'application/x-ndjson', title: 'every rejected row and the totals' }] : []),
    ],
  };
}
