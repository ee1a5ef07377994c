/**
 * The WPS 1.0.0 operations (OGC 05-007r7) over the processing engine: GetCapabilities,
 * DescribeProcess, Execute (KVP and XML; a document, raw data, or a stored response whose
 * statusLocation is this job's live ExecuteResponse), and the statusLocation document itself.
 */
import type { Context } from 'koa';
import { OwsException } from '../../../core/ows/index.js';
import type { ProcessJob, ProcessRecord } from '../../processing/types.js';
import { engineCall } from '../errors.js';
import { asCaller, jobUrl, sendRaw, sendXml, subjectOf, type WpsDeps } from '../operations.js';
import type { WpsRequest } from '../read-request.js';
import { childrenNamed } from '../xml-read.js';
import { capabilities1Xml } from './capabilities.js';
import { processDescriptions1Xml } from './describe.js';
import { executeIdOfXml, readExecute1Kvp, readExecute1Xml, type Wps1Prefs } from './execute-request.js';
import { DEFAULT_PREFS_1_0, executeResponseXml, type ExecuteResponseContext } from './execute-response.js';
import { wps1Call } from './errors.js';
import { isOws11 } from './namespaces.js';

/** Where a stored ExecuteResponse is kept (GET: the job's current document). */
export const statusLocationOf = (base: string, jobId: string) => `${jobUrl(base, jobId)}/execute-response`;

function responseContext(ctx: Context, deps: WpsDeps, jobId: string, process: ProcessRecord | undefined, statusLocation: boolean): ExecuteResponseContext {
  const base = deps.baseUrl(ctx);
  return {
    processing: deps.processing,
    subject: subjectOf(ctx),
    jobUrl: jobUrl(base, jobId),
    maxInlineBytes: deps.config.maxInlineBytes,
    process,
    serviceInstance: `${base}?service=WPS&request=GetCapabilities&version=1.0.0`,
    statusLocation: statusLocation ? statusLocationOf(base, jobId) : undefined,
  };
}

export async function getCapabilities1(ctx: Context, deps: WpsDeps): Promise<void> {
  const processes = await deps.processing.listProcesses(subjectOf(ctx));
  sendXml(ctx, capabilities1Xml(deps.config, deps.baseUrl(ctx), processes));
}

export async function describeProcess1(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const subject = subjectOf(ctx);
  const ids =
    request.binding === 'kvp'
      ? request.kvp.list('identifier', { required: true })
      : childrenNamed(request.xml, (c) => isOws11(c, 'Identifier')).map((c) => c.text).filter(Boolean);
  if (ids.length === 0) throw new OwsException('MissingParameterValue', 'DescribeProcess needs at least one ows:Identifier', { locator: 'Identifier' });
  await wps1Call(async () => {
    let processes: ProcessRecord[];
    if (ids.some((id) => id.toUpperCase() === 'ALL')) processes = await deps.processing.listProcesses(subject);
    else {
      processes = [];
      for (const id of ids) processes.push(await engineCall(() => deps.processing.getProcess(id, subject), { process: id }));
    }
    sendXml(ctx, processDescriptions1Xml(processes));
  });
}

export async function execute1(ctx: Context, request: WpsRequest, deps: WpsDeps): Promise<void> {
  const subject = subjectOf(ctx);
  await wps1Call(async () => {
    const processId = request.binding === 'kvp' ? request.kvp.optional('identifier') : executeIdOfXml(request.xml);
    if (!processId) throw new OwsException('MissingParameterValue', "Missing required parameter 'Identifier'", { locator: 'Identifier' });
    const process = await engineCall(() => deps.processing.getProcess(processId, subject), { process: processId });
    const r = request.binding === 'kvp' ? readExecute1Kvp(request.query, process) : readExecute1Xml(request.xml, process);
    const jobId = crypto.randomUUID();
    const base = deps.baseUrl(ctx);
    const statusUrl = () => statusLocationOf(base, jobId);
    // The response form is stored first, so the status document never sees the job without it.
    await deps.executions.put(jobId, { response: r.prefs.raw ? 'raw' : 'document', outputs: r.prefs.raw ? [{ id: r.prefs.raw.id }] : r.prefs.outputs.map((o) => ({ id: o.id })), wps1: r.prefs });
    let job: ProcessJob;
    try {
      job = await asCaller(ctx, deps.auth, () => engineCall(() => deps.processing.execute(process.id, { inputs: r.inputs, response: 'document' }, subject, { statusUrl, jobId }), { process: process.id }));
    } catch (err) {
      await deps.executions.remove(jobId);
      throw err;
    }
    if (r.prefs.store && !r.prefs.raw) return sendXml(ctx, await executeResponseXml(job, process, r.prefs, responseContext(ctx, deps, jobId, process, true)));
    const done = await deps.processing.waitForJob(job.id, subject, deps.config.syncTimeoutMs);
    const open = done.status === 'accepted' || done.status === 'running';
    // Raw data of a finished job; a failed or unfinished one gets the document (§10.3: "the normal ExecuteResponse ... with the error condition").
    if (r.prefs.raw && done.status === 'successful' && done.result) return sendRaw(ctx, deps, done, [{ id: r.prefs.raw.id }]);
    // Not finished in time: the client polls the statusLocation.
    sendXml(ctx, await executeResponseXml(done, process, { ...r.prefs, status: true }, responseContext(ctx, deps, jobId, process, open || r.prefs.store)));
  });
}

/** GET …/jobs/{id}/execute-response: the job's ExecuteResponse as it stands (the caller must be able to read the job). */
export async function executeResponse1(ctx: Context, jobId: string, deps: WpsDeps): Promise<void> {
  const subject = subjectOf(ctx);
  await wps1Call(async () => {
    const job = await engineCall(() => deps.processing.getJob(jobId, subject), { job: jobId }).catch((err) => {
      if (err instanceof OwsException && err.code === 'NoSuchJob') throw new OwsException('InvalidParameterValue', `No job '${jobId}'`, { locator: 'jobId', status: 404 });
      throw err;
    });
    const stored = await deps.executions.get(jobId);
    const prefs: Wps1Prefs = stored.wps1 ? { ...stored.wps1, raw: undefined } : DEFAULT_PREFS_1_0;
    let process: ProcessRecord | undefined;
    try {
      process = await deps.processing.getProcess(job.processId, subject);
    } catch {
      process = undefined;
    }
    sendXml(ctx, await executeResponseXml(job, process, prefs, responseContext(ctx, deps, jobId, process, true)));
  });
}
