/**
 * The OGC API Processes 1.0 documents of a job (statusInfo.yaml, results.yaml), shared by the
 * ADES routes and the engine's subscriber callbacks, which both need them.
 */
import type { JobResult, ProcessJob, StoredOutput } from './types.js';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

export interface StatusInfo {
  type: 'process';
  processID: string;
  jobID: string;
  status: ProcessJob['status'];
  message?: string;
  created: string;
  started?: string;
  finished?: string;
  updated: string;
  progress: number;
  links: Link[];
}

/** `jobUrl` is the job's absolute URL (…/ades/jobs/{id}); the results link appears once it succeeded. */
export function statusInfo(job: ProcessJob, jobUrl: string): StatusInfo {
  const info: StatusInfo = {
    type: 'process',
    processID: job.processId,
    jobID: job.id,
    status: job.status,
    created: job.created.toISOString(),
    updated: job.updated.toISOString(),
    progress: Math.round(job.progress),
    links: [{ href: jobUrl, rel: 'self', type: 'application/json', title: 'This job' }],
  };
  const message = job.status === 'failed' ? (job.error ?? job.message) : job.message;
  if (message) info.message = message;
  if (job.started) info.started = job.started.toISOString();
  if (job.finished) info.finished = job.finished.toISOString();
  if (job.status === 'successful') info.links.push({ href: `${jobUrl}/results`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/results', type: 'application/json', title: 'Results' });
  info.links.push({ href: `${jobUrl}/logs`, rel: 'log', type: 'text/plain', title: 'Log of the job' });
  if (job.result?.stacCatalog) info.links.push({ href: `${jobUrl}/files/catalog.json`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/results-stac', type: 'application/json', title: 'STAC catalog of the results' });
  return info;
}

/** The URL of a staged-out file of the job (its key below the job's workspace prefix). */
export function fileUrl(jobUrl: string, key: string): string {
  const m = /^workspaces\/[^/]+\/jobs\/[^/]+\/(.*)$/.exec(key);
  return `${jobUrl}/files/${(m ? m[1]! : key).split('/').map(encodeURIComponent).join('/')}`;
}

export type ResultValue = unknown;

/** One output as the results document gives it: the value inline, or a link to the file. */
export function outputValue(output: StoredOutput, jobUrl: string, byReference: boolean): ResultValue {
  if (output.items) return output.items.map((i) => outputValue(i, jobUrl, byReference));
  if (output.blobKey) return { href: fileUrl(jobUrl, output.blobKey), type: output.mediaType, rel: 'related' };
  return byReference ? { value: output.value } : output.value;
}

/** The results document (results.yaml): every output, or those asked for. */
export function resultsDocument(result: JobResult, jobUrl: string, wanted?: string[]): Record<string, ResultValue> {
  const doc: Record<string, ResultValue> = {};
  for (const [id, output] of Object.entries(result.outputs)) {
    if (wanted && !wanted.includes(id)) continue;
    doc[id] = outputValue(output, jobUrl, false);
  }
  return doc;
}

/**
 * The body of a subscriber callback: the results document on success, else a statusInfo of the
 * job (running, or failed with the error). `statusUrl` is the job's URL (a URN when unknown).
 */
export function callbackDocument(kind: 'inProgress' | 'success' | 'failed', job: { id: string; processId: string; statusUrl?: string; progress?: number; message?: string }, result?: JobResult, error?: string): unknown {
  const url = job.statusUrl ?? `urn:meridian:job:${job.id}`;
  if (kind === 'success' && result) return resultsDocument(result, url);
  const now = new Date();
  return statusInfo({ id: job.id, processId: job.processId, status: kind === 'failed' ? 'failed' : 'running', progress: job.progress ?? 0, created: now, updated: now, error, message: error ?? job.message }, url);
}
