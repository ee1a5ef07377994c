/**
 * The import API, under the catalogue's mount path:
 *   POST   /import           {"source": URL, ...} or an uploaded metadata document → 202 + Location
 *   GET    /import/{id}      status, progress, totals and the first rejections
 *   GET    /import/{id}/report  every rejection and the totals, as JSON lines
 *   DELETE /import/{id}      stops a queued or running import (what was written stays)
 * Only subjects the policy lets create catalogue records may start imports (admins by default);
 * each sees only their own.
 */
import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks } from '../../../core/auth/types.js';
import { BadRequest, MeridianError, NotFound } from '../../../core/errors.js';
import type { JobQueue, JobRecord } from '../../../core/jobs/types.js';
import { readBody } from '../../../core/server/body.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { CatalogueService } from '../types.js';
import { checkCollection } from './collection.js';
import { IMPORT_JOB_TYPE, reportKey, uploadKey, type ImportJobPayload, type ImportJobResult, type ImportLimits } from './job.js';
import { parseSource } from './locations.js';
import { isTiffMagic } from './read.js';

export interface ImportRouteDeps {
  catalogue: CatalogueService;
  jobs: JobQueue;
  blobs: BlobStore;
  auth: AuthHooks;
  /** The catalogue's base URL for a request (absolute, no trailing slash). */
  baseUrl(ctx: Context): string;
  limits: ImportLimits;
}

const WRITE = { type: 'record', service: 'catalogue' } as const;
const REQUEST_KEYS = new Set(['source', 'collection', 'createCollection', 'resume']);
/** The JSON request naming a source is small; a document goes in as an upload. */
const REQUEST_LIMIT = 64 * 1024;

export function registerImportRoutes(router: Router, deps: ImportRouteDeps): void {
  router.post('/import', async (ctx) => {
    await deps.auth.enforce(ctx, WRITE, 'create');
    const subject = ctx.state.subject as { id: string };
    const id = randomUUID();
    const payload = await readRequest(ctx, deps, id);
    payload.owner = subject.id;
    if (payload.collection !== undefined) await checkCollection(deps.catalogue, payload.collection, payload.createCollection ?? false);
    try {
      await deps.jobs.enqueue(IMPORT_JOB_TYPE, payload, { id, owner: subject.id });
    } catch (err) {
      if (payload.upload) await deps.blobs.delete(payload.upload.key).catch(() => undefined);
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
    if (!info || (job.state !== 'succeeded' && job.state !== 'failed' && job.state !== 'dismissed')) {
      throw new NotFound(`The report of import ${job.id} is not ready (the import is ${job.state})`, { locator: 'id' });
    }
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

/** The import job named in the path, if the subject may create records and started it (or is allowed to read it). */
async function ownJob(ctx: Context, deps: ImportRouteDeps): Promise<JobRecord> {
  await deps.auth.enforce(ctx, WRITE, 'create');
  const id = String(ctx.params.id);
  const job = await deps.jobs.get(id);
  if (!job || job.type !== IMPORT_JOB_TYPE) throw new NotFound(`No import ${id}`, { locator: 'id' });
  await deps.auth.enforce(ctx, { type: 'import', service: 'catalogue', id, owner: job.owner }, 'read');
  return job;
}

/** A JSON request naming a URL, or an uploaded document (kept in the blob store for the job). */
async function readRequest(ctx: Context, deps: ImportRouteDeps, id: string): Promise<ImportJobPayload> {
  const type = (ctx.get('Content-Type').split(';')[0] ?? '').trim().toLowerCase();
  if (type === 'application/json') {
    const body = await readBody(ctx, { limit: Math.max(REQUEST_LIMIT, Math.min(deps.limits.maxDocumentBytes, (ctx.state.bodyLimit as number | undefined) ?? Infinity)) });
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new BadRequest('The request body is not valid JSON', { code: 'InvalidParameterValue' });
    }
    if (json && typeof json === 'object' && !Array.isArray(json) && 'source' in json && !('type' in json)) return importRequest(json as Record<string, unknown>);
    return upload(ctx, deps, id, body);
  }
  if (type === '') throw new BadRequest('Send {"source": URL} as application/json, or a metadata document with its media type', { code: 'InvalidParameterValue' });
  return upload(ctx, deps, id, await readBody(ctx, { limit: Math.min(deps.limits.maxDocumentBytes, (ctx.state.bodyLimit as number | undefined) ?? Infinity) }));
}

function importRequest(json: Record<string, unknown>): ImportJobPayload {
  for (const key of Object.keys(json)) {
    if (!REQUEST_KEYS.has(key)) throw new BadRequest(`Unknown member '${key}' (known: ${[...REQUEST_KEYS].join(', ')})`, { code: 'InvalidParameterValue', locator: key });
  }
  if (typeof json.source !== 'string') throw new BadRequest('source must be an http(s) URL', { code: 'InvalidParameterValue', locator: 'source' });
  parseSource(json.source, { remoteOnly: true });
  const payload: ImportJobPayload = { source: json.source };
  if (json.collection !== undefined) {
    if (typeof json.collection !== 'string' || json.collection.trim() === '') throw new BadRequest('collection must be a collection identifier', { code: 'InvalidParameterValue', locator: 'collection' });
    payload.collection = json.collection;
  }
  for (const flag of ['createCollection', 'resume'] as const) {
    if (json[flag] === undefined) continue;
    if (typeof json[flag] !== 'boolean') throw new BadRequest(`${flag} must be true or false`, { code: 'InvalidParameterValue', locator: flag });
    payload[flag] = json[flag];
  }
  return payload;
}

async function upload(ctx: Context, deps: ImportRouteDeps, id: string, body: Buffer): Promise<ImportJobPayload> {
  if (body.length === 0) throw new BadRequest('The uploaded document is empty', { code: 'InvalidParameterValue' });
  if (isTiffMagic(body)) {
    throw new MeridianError(415, 'GeoTIFFs are not uploaded here: put the file where the server can read it and give its URL as {"source": URL}', { code: 'UnsupportedMediaType' });
  }
  const payload: ImportJobPayload = { upload: { key: uploadKey(id), name: uploadName(ctx) } };
  const collection = ctx.query.collection;
  if (collection !== undefined) {
    if (typeof collection !== 'string' || collection.trim() === '') throw new BadRequest('collection must be one collection identifier', { code: 'InvalidParameterValue', locator: 'collection' });
    payload.collection = collection;
  }
  const create = ctx.query.createCollection;
  if (create !== undefined) {
    if (create !== 'true' && create !== 'false') throw new BadRequest('createCollection must be true or false', { code: 'InvalidParameterValue', locator: 'createCollection' });
    payload.createCollection = create === 'true';
  }
  await deps.blobs.put(payload.upload!.key, body, { contentType: ctx.get('Content-Type') || 'application/octet-stream', size: body.length });
  return payload;
}

/** The uploaded file's name from Content-Disposition, for the report; 'upload' otherwise. */
function uploadName(ctx: Context): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(ctx.get('Content-Disposition'));
  return m ? decodeURIComponent(m[1]!).replace(/[\\/]/g, '_') : 'upload';
}

function statusDocument(job: JobRecord, base: string): Record<string, unknown> {
  const payload = job.payload as ImportJobPayload;
  const result = job.result as ImportJobResult | undefined;
  const self = `${base}/import/${job.id}`;
  const ended = job.state === 'succeeded' || job.state === 'failed' || job.state === 'dismissed';
  return {
    id: job.id,
    status: job.state,
    progress: job.progress,
    ...(job.message ? { message: job.message } : {}),
    source: payload.source ?? payload.upload?.name,
    ...(payload.collection ? { collection: payload.collection } : {}),
    created: job.createdAt.toISOString(),
    ...(job.startedAt ? { started: job.startedAt.toISOString() } : {}),
    ...(job.finishedAt ? { finished: job.finishedAt.toISOString() } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(result ? { summary: result.summary, rejected: result.rejected } : {}),
    links: [
      { rel: 'self', href: self, type: 'application/json' },
      ...(ended ? [{ rel: 'report', href: `${self}/report`, type: 'application/x-ndjson', title: 'every rejection and the totals' }] : []),
    ],
  };
}
