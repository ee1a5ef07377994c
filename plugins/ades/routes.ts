/** The ADES routes: OGC API Processes Part 1 Core and Part 2 Deploy, Replace, Undeploy. */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { BadRequest, Forbidden, MeridianError, NotFound } from '../../core/errors.js';
import { readText } from '../../core/server/body.js';
import { fileUrl, resultsDocument, statusInfo, type Link } from '../processing/ogc-documents.js';
import type { ExecuteRequest, JobStatus, ProcessingService, ProcessJob, ProcessRecord } from '../processing/types.js';

export interface AdesConfig {
  title: string;
  description: string;
  deploy: boolean;
  /** How long a synchronous execution waits before answering with the job instead. */
  syncTimeoutMs: number;
  defaultLimit: number;
  maxLimit: number;
}

export interface AdesDeps {
  processing: ProcessingService;
  auth: AuthHooks;
  config: AdesConfig;
  conformsTo: string[];
  baseUrl(ctx: Context): string;
  /** The platform's root URL (where /openapi.json is). */
  publicRoot(ctx: Context): string;
}

const JSON_TYPE = 'application/json';
const STATUSES: JobStatus[] = ['accepted', 'running', 'successful', 'failed', 'dismissed'];
const REL = 'http://www.opengis.net/def/rel/ogc/1.0';

const subjectOf = (ctx: Context) => ctx.state.subject as Subject;

function sendJson(ctx: Context, body: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = JSON_TYPE;
  ctx.body = JSON.stringify(body);
}

/**
 * An anonymous caller refused by the policy gets 401 with the platform's challenges, not 403: the
 * core's enforce builds that answer, asked about an action no policy grants.
 */
async function asCaller<T>(ctx: Context, auth: AuthHooks, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Forbidden && subjectOf(ctx).anonymous) {
      await auth.enforce(ctx, { type: 'process', service: 'processing', id: '' }, 'meridian:authenticate');
    }
    throw err;
  }
}

function processSummary(p: ProcessRecord, base: string) {
  const { inputs: _inputs, outputs: _outputs, ...summary } = p.description;
  return { ...summary, links: [{ href: `${base}/processes/${encodeURIComponent(p.id)}`, rel: 'self', type: JSON_TYPE, title: 'Process description' }] };
}

function processDescription(p: ProcessRecord, base: string) {
  const href = `${base}/processes/${encodeURIComponent(p.id)}`;
  return {
    ...p.description,
    links: [
      { href, rel: 'self', type: JSON_TYPE, title: 'This document' },
      { href: `${href}/execution`, rel: `${REL}/execute`, type: JSON_TYPE, title: 'Execute' },
      { href: `${base}/jobs?processID=${encodeURIComponent(p.id)}`, rel: `${REL}/job-list`, type: JSON_TYPE, title: 'Jobs of this process' },
    ],
  };
}

const jobUrl = (base: string, id: string) => `${base}/jobs/${encodeURIComponent(id)}`;

/** A list query parameter given repeated or comma-separated. */
function listParam(ctx: Context, name: string): string[] | undefined {
  const raw = ctx.query[name];
  if (raw === undefined) return undefined;
  return (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function intParam(ctx: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return fallback;
  const text = Array.isArray(raw) ? raw[0]! : raw;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new BadRequest(`${name} must be an integer of at least ${min}`, { code: 'InvalidParameterValue', locator: name });
  return Math.min(n, max);
}

function parseExecute(text: string): ExecuteRequest {
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`The execute request is not JSON: ${err instanceof Error ? err.message : String(err)}`, { code: 'InvalidParameterValue', locator: 'body' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('The execute request must be a JSON object', { code: 'InvalidParameterValue', locator: 'body' });
  const b = body as Record<string, unknown>;
  const request: ExecuteRequest = { inputs: (b.inputs as Record<string, unknown>) ?? {} };
  if (b.outputs !== undefined) {
    if (typeof b.outputs !== 'object' || b.outputs === null || Array.isArray(b.outputs)) throw new BadRequest('outputs must be an object', { code: 'InvalidParameterValue', locator: 'outputs' });
    request.outputs = b.outputs as ExecuteRequest['outputs'];
  }
  if (b.response !== undefined) {
    if (b.response !== 'raw' && b.response !== 'document') throw new BadRequest("response must be 'raw' or 'document'", { code: 'InvalidParameterValue', locator: 'response' });
    request.response = b.response;
  }
  if (b.subscriber !== undefined) {
    const s = b.subscriber as Record<string, unknown>;
    if (typeof s !== 'object' || s === null) throw new BadRequest('subscriber must be an object', { code: 'InvalidParameterValue', locator: 'subscriber' });
    const sub: NonNullable<ExecuteRequest['subscriber']> = {};
    for (const key of ['successUri', 'failedUri', 'inProgressUri'] as const) {
      const v = s[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !/^https?:\/\//i.test(v)) throw new BadRequest(`subscriber.${key} must be an http(s) URL`, { code: 'InvalidParameterValue', locator: `subscriber.${key}` });
      sub[key] = v;
    }
    request.subscriber = sub;
  }
  return request;
}

/** Whether the client asked for asynchronous execution (RFC 7240 Prefer: respond-async). */
function prefersAsync(ctx: Context): boolean {
  return /(^|[,;\s])respond-async($|[,;\s=])/i.test(ctx.get('Prefer'));
}

export function adesRoutes(deps: AdesDeps): Router {
  const { processing, auth, config } = deps;
  const router = new Router();

  const landing = (ctx: Context) => {
    const base = deps.baseUrl(ctx);
    sendJson(ctx, {
      title: config.title,
      description: config.description,
      links: [
        { href: `${base}/`, rel: 'self', type: JSON_TYPE, title: 'This document' },
        { href: `${deps.publicRoot(ctx)}/openapi.json`, rel: 'service-desc', type: 'application/vnd.oai.openapi+json;version=3.0', title: 'The API definition' },
        { href: `${base}/conformance`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/conformance', type: JSON_TYPE, title: 'Conformance classes' },
        { href: `${base}/processes`, rel: `${REL}/processes`, type: JSON_TYPE, title: 'Processes' },
        { href: `${base}/jobs`, rel: `${REL}/job-list`, type: JSON_TYPE, title: 'Jobs' },
      ],
    });
  };
  router.get('/', landing);

  router.get('/conformance', (ctx) => sendJson(ctx, { conformsTo: deps.conformsTo }));

  router.get('/processes', async (ctx) => {
    const base = deps.baseUrl(ctx);
    const limit = intParam(ctx, 'limit', config.defaultLimit, 1, config.maxLimit);
    const offset = intParam(ctx, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const all = await processing.listProcesses(subjectOf(ctx));
    const page = all.slice(offset, offset + limit);
    const links: Link[] = [{ href: `${base}/processes`, rel: 'self', type: JSON_TYPE }];
    if (offset + limit < all.length) links.push({ href: `${base}/processes?limit=${limit}&offset=${offset + limit}`, rel: 'next', type: JSON_TYPE });
    sendJson(ctx, { processes: page.map((p) => processSummary(p, base)), links });
  });

  router.get('/processes/:processId', async (ctx) => {
    const p = await processing.getProcess(ctx.params.processId!, subjectOf(ctx));
    sendJson(ctx, processDescription(p, deps.baseUrl(ctx)));
  });

  router.post('/processes/:processId/execution', async (ctx) => {
    const base = deps.baseUrl(ctx);
    const subject = subjectOf(ctx);
    const request = parseExecute(await readText(ctx));
    const p = await processing.getProcess(ctx.params.processId!, subject);
    const controls = p.description.jobControlOptions;
    const wantsAsync = prefersAsync(ctx) || !controls.includes('sync-execute');
    if (wantsAsync && !controls.includes('async-execute')) throw new BadRequest(`Process '${p.id}' runs synchronously only`, { code: 'InvalidParameterValue', locator: 'Prefer' });
    const job = await asCaller(ctx, auth, () => processing.execute(p.id, request, subject, { statusUrl: (id) => jobUrl(base, id) }));
    const location = jobUrl(base, job.id);
    ctx.set('Location', location);
    if (wantsAsync) {
      if (prefersAsync(ctx)) ctx.set('Preference-Applied', 'respond-async');
      return sendJson(ctx, statusInfo(job, location), 201);
    }
    const done = await processing.waitForJob(job.id, subject, config.syncTimeoutMs);
    if (done.status === 'accepted' || done.status === 'running') {
      // Not finished in time: answered as an asynchronous execution, the job keeps running.
      return sendJson(ctx, statusInfo(done, location), 201);
    }
    if (done.status !== 'successful' || !done.result) throw jobFailure(done);
    const wanted = request.outputs ? Object.keys(request.outputs) : undefined;
    const doc = resultsDocument(done.result, location, wanted);
    if (request.response === 'raw') {
      const ids = Object.keys(doc);
      if (ids.length === 1) return sendRaw(ctx, processing, done, ids[0]!, subject, location);
      // Several outputs raw: OGC 18-062r2 answers with links to each (Link headers, no body).
      ctx.set('Link', ids.map((id) => `<${location}/results/${encodeURIComponent(id)}>; rel="related"; title="${id}"`).join(', '));
      ctx.status = 204;
      return;
    }
    sendJson(ctx, doc);
  });

  router.get('/jobs', async (ctx) => {
    const base = deps.baseUrl(ctx);
    const limit = intParam(ctx, 'limit', config.defaultLimit, 1, config.maxLimit);
    const offset = intParam(ctx, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const statuses = listParam(ctx, 'status');
    for (const s of statuses ?? []) if (!STATUSES.includes(s as JobStatus)) throw new BadRequest(`status '${s}' is not one of ${STATUSES.join(', ')}`, { code: 'InvalidParameterValue', locator: 'status' });
    const type = listParam(ctx, 'type');
    if (type && !type.includes('process')) return sendJson(ctx, { jobs: [], links: [{ href: `${base}/jobs`, rel: 'self', type: JSON_TYPE }] });
    const processIds = listParam(ctx, 'processID') ?? listParam(ctx, 'processId');
    const { jobs, more } = await processing.listJobs({ processIds, statuses: statuses as JobStatus[] | undefined, limit, offset }, subjectOf(ctx));
    const query = new URLSearchParams();
    if (processIds) query.set('processID', processIds.join(','));
    if (statuses) query.set('status', statuses.join(','));
    query.set('limit', String(limit));
    const links: Link[] = [{ href: `${base}/jobs?${query}&offset=${offset}`, rel: 'self', type: JSON_TYPE }];
    if (more) links.push({ href: `${base}/jobs?${query}&offset=${offset + limit}`, rel: 'next', type: JSON_TYPE });
    sendJson(ctx, { jobs: jobs.map((j) => statusInfo(j, jobUrl(base, j.id))), links });
  });

  router.get('/jobs/:jobId', async (ctx) => {
    const job = await processing.getJob(ctx.params.jobId!, subjectOf(ctx));
    sendJson(ctx, statusInfo(job, jobUrl(deps.baseUrl(ctx), job.id)));
  });

  router.delete('/jobs/:jobId', async (ctx) => {
    const job = await asCaller(ctx, auth, () => processing.dismiss(ctx.params.jobId!, subjectOf(ctx)));
    sendJson(ctx, statusInfo(job, jobUrl(deps.baseUrl(ctx), job.id)));
  });

  router.get('/jobs/:jobId/logs', async (ctx) => {
    const lines = await processing.jobLogs(ctx.params.jobId!, subjectOf(ctx));
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = lines.join('\n') + (lines.length ? '\n' : '');
  });

  // Meridian's extension: what each try of the job used (for accounting).
  router.get('/jobs/:jobId/usage', async (ctx) => {
    sendJson(ctx, { usage: await processing.usage(ctx.params.jobId!, subjectOf(ctx)) });
  });

  router.get('/jobs/:jobId/results', async (ctx) => {
    const subject = subjectOf(ctx);
    const job = await processing.getJob(ctx.params.jobId!, subject);
    const result = readyResult(job);
    sendJson(ctx, resultsDocument(result, jobUrl(deps.baseUrl(ctx), job.id), listParam(ctx, 'outputs')));
  });

  router.get('/jobs/:jobId/results/:outputId', async (ctx) => {
    const subject = subjectOf(ctx);
    const job = await processing.getJob(ctx.params.jobId!, subject);
    readyResult(job);
    await sendRaw(ctx, processing, job, ctx.params.outputId!, subject, jobUrl(deps.baseUrl(ctx), job.id));
  });

  router.get('/jobs/:jobId/files/*path', async (ctx) => {
    const subject = subjectOf(ctx);
    const jobId = ctx.params.jobId!;
    const prefix = await processing.jobFilesPrefix(jobId, subject);
    const marker = `/jobs/${encodeURIComponent(jobId)}/files/`;
    const at = ctx.path.indexOf(marker);
    const rel = at >= 0 ? ctx.path.slice(at + marker.length).split('/').map((s) => decodeURIComponent(s)).join('/') : '';
    if (!rel || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) throw new NotFound(`Job '${jobId}' has no file '${rel}'`, { code: 'NoSuchOutput' });
    const file = await processing.readOutput(jobId, `${prefix}${rel}`, subject);
    ctx.type = file.contentType ?? 'application/octet-stream';
    ctx.length = file.size;
    ctx.body = file.body;
  });

  if (config.deploy) {
    router.post('/processes', async (ctx) => {
      const base = deps.baseUrl(ctx);
      const text = await readText(ctx);
      const p = await asCaller(ctx, auth, () => processing.deploy({ contentType: ctx.get('Content-Type'), text }, subjectOf(ctx)));
      ctx.set('Location', `${base}/processes/${encodeURIComponent(p.id)}`);
      sendJson(ctx, processSummary(p, base), 201);
    });

    router.put('/processes/:processId', async (ctx) => {
      const text = await readText(ctx);
      await asCaller(ctx, auth, () => processing.deploy({ contentType: ctx.get('Content-Type'), text }, subjectOf(ctx), { replace: ctx.params.processId! }));
      ctx.status = 204;
    });

    router.delete('/processes/:processId', async (ctx) => {
      await asCaller(ctx, auth, () => processing.undeploy(ctx.params.processId!, subjectOf(ctx)));
      ctx.status = 204;
    });
  }

  return router;
}

/** The result of a job that succeeded; result-not-ready (404) before, the job's failure after. */
function readyResult(job: ProcessJob) {
  if (job.status === 'accepted' || job.status === 'running') throw new NotFound(`Job '${job.id}' is ${job.status}; its results are not ready`, { code: 'ResultNotReady', locator: 'jobId' });
  if (job.status !== 'successful' || !job.result) throw jobFailure(job);
  return job.result;
}

function jobFailure(job: ProcessJob): MeridianError {
  if (job.status === 'dismissed') return new NotFound(`Job '${job.id}' was dismissed; it has no results`, { code: 'NoSuchJob', locator: 'jobId' });
  return new MeridianError(500, `Job '${job.id}' failed: ${job.error ?? job.message ?? 'no reason given'}`, { code: 'JobFailed', expose: true });
}

/** One output as itself: the file's bytes, or the literal value. */
async function sendRaw(ctx: Context, processing: ProcessingService, job: ProcessJob, outputId: string, subject: Subject, location: string): Promise<void> {
  const output = job.result!.outputs[outputId];
  if (!output) throw new NotFound(`Job '${job.id}' has no output '${outputId}'`, { code: 'NoSuchOutput', locator: 'outputId' });
  const single = output.items?.length === 1 ? output.items[0]! : output;
  if (single.blobKey) {
    const file = await processing.readOutput(job.id, single.blobKey, subject);
    ctx.type = file.contentType ?? single.mediaType ?? 'application/octet-stream';
    ctx.length = file.size;
    ctx.body = file.body;
    return;
  }
  if (single.items) {
    // Several files: links to each.
    return sendJson(ctx, single.items.map((i) => (i.blobKey ? { href: fileUrl(location, i.blobKey), type: i.mediaType } : i.value)));
  }
  if (typeof single.value === 'string') {
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = single.value;
    return;
  }
  sendJson(ctx, single.value);
}
