/** Each WPS operation over the processing engine; responses are XML unless a raw result is asked for. */
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { Forbidden, MeridianError } from '../../core/errors.js';
import { el, OwsException, serializeXml, type XmlTreeNode } from '../../core/ows/index.js';
import type { ProcessingService, ProcessJob, ProcessRecord } from '../processing/types.js';
import { capabilitiesRequestOfKvp, capabilitiesRequestOfXml, capabilitiesXml } from './capabilities.js';
import type { WpsConfig } from './config.js';
import { deployBodyOf, undeployIdOfKvp, undeployIdOfXml } from './deploy.js';
import { engineCall, stageInException } from './errors.js';
import { engineRequest, executeHead, readExecute, type OutputDefinition } from './execute-request.js';
import type { ExecutionStore } from './execution-store.js';
import { resultXml, statusInfoXml, wantedOutputs, type ResultContext } from './job-documents.js';
import { wpsRootAttrs, XML_TYPE } from './namespaces.js';
import { processOfferingXml, processSummaryXml } from './process-xml.js';
import type { WpsRequest } from './read-request.js';
import { childrenNamed, firstChild, isOws, isWps } from './xml-read.js';

export interface WpsDeps {
  processing: ProcessingService;
  auth: AuthHooks;
  config: WpsConfig;
  executions: ExecutionStore;
  baseUrl(ctx: Context): string;
}

export const subjectOf = (ctx: Context) => ctx.state.subject as Subject;

export function sendXml(ctx: Context, xml: string, status = 200): void {
  ctx.status = status;
  ctx.type = XML_TYPE;
  ctx.body = xml;
}

/** An anonymous caller refused by the policy gets 401 with the platform's challenges, not 403. */
export async function asCaller<T>(ctx: Context, auth: AuthHooks, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Forbidden && subjectOf(ctx).anonymous) {
      await auth.enforce(ctx, { type: 'process', service: 'processing', id: '' }, 'meridian:authenticate');
    }
    throw err;
  }
}

export const jobUrl = (base: string, id: string) => `${base}/jobs/${encodeURIComponent(id)}`;

function identifiersOf(request: WpsRequest): string[] {
  if (request.binding === 'kvp') return request.kvp.list('identifier', { required: true });
  const ids = childrenNamed(request.xml, (c) => isOws(c, 'Identifier')).map((c) => c.text).filter(Boolean);
  if (ids.length === 0) throw new OwsException('MissingParameterValue', 'DescribeProcess needs at least one ows:Identifier', { locator: 'Identifier' });
  return ids;
}

function jobIdOf(request: WpsRequest): string {
  const id = request.binding === 'kvp' ? request.kvp.optional('jobId') : firstChild(request.xml, (c) => isWps(c, 'JobID'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', "Missing required parameter 'JobID'", { locator: 'JobID' });
  return id;
}

export async function getCapabilities(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const req = request.binding === 'kvp' ? capabilitiesRequestOfKvp(request.kvp) : capabilitiesRequestOfXml(request.xml);
  const processes = await deps.processing.listProcesses(subjectOf(ctx));
  sendXml(ctx, capabilitiesXml(req, deps.config, deps.baseUrl(ctx), processes));
}

export async function describeProcess(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const subject = subjectOf(ctx);
  const ids = identifiersOf(request);
  let processes: ProcessRecord[];
  if (ids.some((id) => id.toUpperCase() === 'ALL')) processes = await deps.processing.listProcesses(subject);
  else {
    processes = [];
    // 14-065r2 table 41: NoSuchProcess names every identifier that matches no process.
    const unknown: string[] = [];
    for (const id of ids) {
      try {
        processes.push(await engineCall(() => deps.processing.getProcess(id, subject), { process: id }));
      } catch (err) {
        if (!(err instanceof OwsException && err.code === 'NoSuchProcess')) throw err;
        unknown.push(id);
      }
    }
    if (unknown.length) throw new OwsException('NoSuchProcess', `No process ${unknown.map((id) => `'${id}'`).join(', ')}`, { locator: unknown.join(','), status: 400 });
  }
  sendXml(ctx, serializeXml(el('wps:ProcessOfferings', wpsRootAttrs(), processes.map(processOfferingXml))));
}

function resultContext(ctx: Context, deps: WpsDeps, jobId: string, process?: ProcessRecord): ResultContext {
  return { processing: deps.processing, subject: subjectOf(ctx), jobUrl: jobUrl(deps.baseUrl(ctx), jobId), maxInlineBytes: deps.config.maxInlineBytes, process };
}

/** A dismissed job is no job (14-065r2 §12: later requests with its JobID get NoSuchJob). */
function dismissedJob(job: ProcessJob): OwsException {
  return new OwsException('NoSuchJob', `Job '${job.id}' was dismissed`, { locator: job.id, status: 400 });
}

/**
 * The job's failure, as the exception a result request gets (14-065r2 §9.11.3: the Execute
 * codes of table 46): an input the job could not stage in is DataNotAccessible (SizeExceeded when
 * over the fetch limit) of that input, anything else InternalServerError (500, no locator). The
 * table would omit the text of InternalServerError; the job's reason is kept, as the only one the
 * client gets over WPS.
 */
function jobFailure(job: ProcessJob, process?: ProcessRecord): OwsException {
  if (job.status === 'dismissed') return dismissedJob(job);
  const reason = job.error ?? job.message ?? 'no reason given';
  // The engine's stage-in failures read "input '<id>': ..." (StageInFailed).
  const input = /^input '([^']+)': /.exec(reason)?.[1];
  if (input && (!process || input in process.description.inputs)) return stageInException(input, `Job '${job.id}' failed: ${reason}`, / is larger than \d+ bytes/.test(reason));
  return new OwsException('InternalServerError', `Job '${job.id}' failed: ${reason}`, { status: 500, expose: true });
}

/** One output as itself (a raw response): the file's bytes, or the literal as text. */
export async function sendRaw(ctx: Context, deps: WpsDeps, job: ProcessJob, defs: OutputDefinition[]): Promise<void> {
  const wanted = wantedOutputs(job, defs);
  if (wanted.length !== 1) throw new OwsException('TooManyOutputs', 'A raw response carries exactly one output', { locator: wanted.map(([id]) => id).join(',') || undefined, status: 400 });
  const [id, output] = wanted[0]!;
  const single = output.items?.length === 1 ? output.items[0]! : output;
  if (single.items) throw new OwsException('InvalidParameterValue', `Output '${id}' holds ${single.items.length} files; ask for a document response`, { locator: id });
  if (single.blobKey) {
    const file = await engineCall(() => deps.processing.readOutput(job.id, single.blobKey!, subjectOf(ctx)));
    ctx.type = file.contentType ?? single.mediaType ?? 'application/octet-stream';
    ctx.length = file.size;
    ctx.body = file.body;
    return;
  }
  const value = single.value;
  if (value !== null && typeof value === 'object') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(value);
    return;
  }
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = String(value ?? '');
}

async function processOf(deps: WpsDeps, id: string, subject: Subject): Promise<ProcessRecord | undefined> {
  try {
    return await deps.processing.getProcess(id, subject);
  } catch {
    return undefined;
  }
}

export async function execute(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const root = (request as { xml: XmlTreeNode }).xml;
  const subject = subjectOf(ctx);
  const head = executeHead(root);
  const process = await engineCall(() => deps.processing.getProcess(head.processId, subject), { process: head.processId });
  const r = readExecute(root, process);
  const controls = process.description.jobControlOptions;
  // 14-065r2 table 46: NoSuchMode's locator is the violating mode value.
  if (r.mode === 'sync' && !controls.includes('sync-execute')) throw new OwsException('NoSuchMode', `Process '${process.id}' does not run synchronously`, { locator: r.mode, status: 400 });
  if (r.mode === 'async' && !controls.includes('async-execute')) throw new OwsException('NoSuchMode', `Process '${process.id}' does not run asynchronously`, { locator: r.mode, status: 400 });
  // auto: asynchronous when the process allows it (the server's choice, OGC 14-065 §9.3.2).
  const async = r.mode === 'async' || (r.mode === 'auto' && controls.includes('async-execute'));
  const base = deps.baseUrl(ctx);
  const statusUrl = (id: string) => `${base}?service=WPS&version=2.0.0&request=GetStatus&jobId=${encodeURIComponent(id)}`;
  const jobId = crypto.randomUUID();
  // The preferences are stored first, so GetResult never sees the job without them.
  await deps.executions.put(jobId, { response: r.response, outputs: r.outputs });
  let job: ProcessJob;
  try {
    job = await asCaller(ctx, deps.auth, () => engineCall(() => deps.processing.execute(process.id, engineRequest(r), subject, { statusUrl, jobId }), { process: process.id }));
  } catch (err) {
    await deps.executions.remove(jobId);
    throw err;
  }
  if (async) return sendXml(ctx, statusInfoXml(job));
  const done = await deps.processing.waitForJob(job.id, subject, deps.config.syncTimeoutMs);
  // Not finished in time: the job keeps running; the client polls GetStatus with its JobID.
  if (done.status === 'accepted' || done.status === 'running') return sendXml(ctx, statusInfoXml(done));
  if (done.status !== 'successful' || !done.result) throw jobFailure(done, process);
  if (r.response === 'raw') return sendRaw(ctx, deps, done, r.outputs);
  sendXml(ctx, await resultXml(done, r.outputs, resultContext(ctx, deps, done.id, process)));
}

export async function getStatus(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const id = jobIdOf(request);
  const job = await engineCall(() => deps.processing.getJob(id, subjectOf(ctx)), { job: id });
  if (job.status === 'dismissed') throw dismissedJob(job);
  sendXml(ctx, statusInfoXml(job));
}

export async function getResult(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const id = jobIdOf(request);
  const subject = subjectOf(ctx);
  const job = await engineCall(() => deps.processing.getJob(id, subject), { job: id });
  if (job.status === 'accepted' || job.status === 'running') {
    throw new OwsException('ResultNotReady', `Job '${id}' is ${job.status}; its result is not ready`, { locator: id, status: 400 });
  }
  if (job.status !== 'successful' || !job.result) throw jobFailure(job, await processOf(deps, job.processId, subject));
  const prefs = await deps.executions.get(id);
  if (prefs.response === 'raw') return sendRaw(ctx, deps, job, prefs.outputs);
  sendXml(ctx, await resultXml(job, prefs.outputs, resultContext(ctx, deps, id, await processOf(deps, job.processId, subject))));
}

export async function dismiss(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const id = jobIdOf(request);
  // A job dismissed already has been released (14-065r2 §12): NoSuchJob, not a second Dismissed.
  const before = await engineCall(() => deps.processing.getJob(id, subjectOf(ctx)), { job: id });
  if (before.status === 'dismissed') throw dismissedJob(before);
  const job = await asCaller(ctx, deps.auth, () => engineCall(() => deps.processing.dismiss(id, subjectOf(ctx)), { job: id }));
  // A job that had ended is deleted by the engine with its results; its Execute preferences go too.
  const gone = await deps.processing.getJob(id, subjectOf(ctx)).then(
    () => false,
    (err: unknown) => err instanceof MeridianError && err.status === 404,
  );
  if (gone) await deps.executions.remove(id);
  sendXml(ctx, statusInfoXml(job));
}

export async function deployProcess(ctx: Context, request: WpsRequest, deps: WpsDeps, limits: Parameters<typeof deployBodyOf>[1]): Promise<void> {
  const root = (request as { xml: XmlTreeNode }).xml;
  const { body } = await deployBodyOf(root, limits);
  const p = await asCaller(ctx, deps.auth, () => engineCall(() => deps.processing.deploy(body, subjectOf(ctx))));
  sendXml(ctx, serializeXml(el('wps:DeployResult', wpsRootAttrs(), el('wps:DeploymentDone', null, 'true'), processSummaryXml(p))));
}

export async function undeployProcess(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const id = request.binding === 'kvp' ? undeployIdOfKvp(request.kvp) : undeployIdOfXml(request.xml);
  await asCaller(ctx, deps.auth, () => engineCall(() => deps.processing.undeploy(id, subjectOf(ctx)), { process: id }));
  sendXml(ctx, serializeXml(el('wps:UndeployResult', wpsRootAttrs(), el('wps:UndeploymentDone', null, 'true'), el('ows:Identifier', null, id))));
}
