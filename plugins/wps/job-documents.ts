/**
 * A job as WPS 2.0 documents (OGC 14-065 §9.4-9.6, wpsCommon.xsd): wps:StatusInfo with the
 * status, progress and a suggested next poll, and wps:Result with each output inline (wps:Data:
 * literals as wps:LiteralValue, JSON as text, files base64) or by reference (wps:Reference to
 * the job's file under this service), as the Execute asked.
 */
import { el, serializeXml, type XmlElement } from '../../core/ows/index.js';
import { fileUrl } from '../processing/ogc-documents.js';
import type { ProcessingService, ProcessJob, ProcessRecord, StoredOutput } from '../processing/types.js';
import type { Subject } from '../../core/auth/types.js';
import type { OutputDefinition } from './execute-request.js';
import { wpsRootAttrs } from './namespaces.js';
import { literalTypeOf } from './process-xml.js';

const STATUS: Record<ProcessJob['status'], string> = { accepted: 'Accepted', running: 'Running', successful: 'Succeeded', failed: 'Failed', dismissed: 'Dismissed' };

export function wpsStatusOf(job: ProcessJob): string {
  return STATUS[job.status];
}

export function statusInfoXml(job: ProcessJob): string {
  const open = job.status === 'accepted' || job.status === 'running';
  return serializeXml(
    el(
      'wps:StatusInfo',
      wpsRootAttrs(),
      el('wps:JobID', null, job.id),
      el('wps:Status', null, STATUS[job.status]),
      open && el('wps:NextPoll', null, new Date(Date.now() + 1000).toISOString()),
      el('wps:PercentCompleted', null, String(Math.max(0, Math.min(100, Math.round(job.progress))))),
    ),
  );
}

export interface ResultContext {
  processing: ProcessingService;
  subject: Subject;
  /** …/wps/jobs/{id}: the base of the job's file URLs. */
  jobUrl: string;
  maxInlineBytes: number;
  /** The process, when it can still be read (its output schemas type the literals). */
  process?: ProcessRecord;
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

async function dataOrReference(o: StoredOutput, outputId: string, def: OutputDefinition | undefined, ctx: ResultContext, jobId: string): Promise<XmlElement> {
  if (o.blobKey) {
    const mimeType = o.mediaType ?? 'application/octet-stream';
    if (def?.transmission === 'value' && (o.size ?? 0) <= ctx.maxInlineBytes) {
      const file = await ctx.processing.readOutput(jobId, o.blobKey, ctx.subject);
      const bytes = await readAll(file.body);
      if (bytes.length <= ctx.maxInlineBytes) return el('wps:Data', { mimeType, encoding: 'base64' }, bytes.toString('base64'));
    }
    return el('wps:Reference', { 'xlink:href': fileUrl(ctx.jobUrl, o.blobKey), mimeType });
  }
  const value = o.value;
  if (value !== null && typeof value === 'object') return el('wps:Data', { mimeType: 'application/json' }, JSON.stringify(value));
  const schema = ctx.process?.description.outputs[outputId]?.schema;
  const dataType = schema ? literalTypeOf(schema).uri : typeof value === 'number' ? 'http://www.w3.org/2001/XMLSchema#double' : typeof value === 'boolean' ? 'http://www.w3.org/2001/XMLSchema#boolean' : 'http://www.w3.org/2001/XMLSchema#string';
  return el('wps:Data', { mimeType: 'text/plain' }, el('wps:LiteralValue', { dataType }, String(value ?? '')));
}

/** The outputs to write: those the Execute named, else all. */
export function wantedOutputs(job: ProcessJob, defs: OutputDefinition[]): Array<[string, StoredOutput, OutputDefinition | undefined]> {
  const outputs = job.result!.outputs;
  if (defs.length === 0) return Object.entries(outputs).map(([id, o]) => [id, o, undefined]);
  return defs.filter((d) => outputs[d.id]).map((d) => [d.id, outputs[d.id]!, d]);
}

export async function resultXml(job: ProcessJob, defs: OutputDefinition[], ctx: ResultContext): Promise<string> {
  const elements: XmlElement[] = [];
  for (const [id, output, def] of wantedOutputs(job, defs)) {
    // Several files (an array output, a Directory's content): one wps:Output per file, same id.
    const parts = output.items ?? [output];
    for (const part of parts) elements.push(el('wps:Output', { id }, await dataOrReference(part, id, def, ctx, job.id)));
  }
  return serializeXml(el('wps:Result', wpsRootAttrs(), el('wps:JobID', null, job.id), elements));
}
