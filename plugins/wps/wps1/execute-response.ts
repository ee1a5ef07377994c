/**
 * The WPS 1.0.0 ExecuteResponse (OGC 05-007r7 §10.3, wpsExecute_response.xsd) of a job, written
 * from the job's current state each time it is asked for: the statusLocation document is thus
 * "updated as the job runs". Status: ProcessAccepted, ProcessStarted (percentCompleted 0-99; with
 * status="false" the document stays ProcessAccepted until the job ends, as §10.3.1 says),
 * ProcessSucceeded, ProcessFailed (an OWS 1.1 ExceptionReport; a dismissed job too). Outputs:
 * files inline (wps:ComplexData, base64 unless text or JSON) up to maxInlineBytes or as
 * wps:Reference (asReference="true", or larger files), JSON as ComplexData, bounding boxes as
 * BoundingBoxData, literals as LiteralData with their XML Schema type. lineage adds DataInputs
 * and OutputDefinitions.
 */
import { el, serializeXml, type XmlElement } from '../../../core/ows/index.js';
import { fileUrl } from '../../processing/ogc-documents.js';
import type { ProcessJob, ProcessRecord, StoredOutput } from '../../processing/types.js';
import type { ResultContext } from '../job-documents.js';
import { CRS84, dataKindOf, literalTypeOf } from '../process-xml.js';
import { description1Parts, processBrief1 } from './capabilities.js';
import type { ReceivedInput, Wps1OutputDefinition, Wps1Prefs } from './execute-request.js';
import { wps1RootAttrs } from './namespaces.js';

export interface ExecuteResponseContext extends ResultContext {
  /** The GetCapabilities URL (serviceInstance). */
  serviceInstance: string;
  /** Where this document is kept up to date, when the response is stored. */
  statusLocation?: string;
}

/** A job whose prefs were not written over WPS 1.0.0 (ADES, WPS 2.0): a document of every output, files by reference. */
export const DEFAULT_PREFS_1_0: Wps1Prefs = { store: true, status: true, lineage: false, outputs: [], inputs: [] };

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

const isText = (type: string) => /^text\/|[/+](json|xml)(;|$)/i.test(type);

function failed(message: string): XmlElement {
  return el(
    'wps:ProcessFailed',
    null,
    el('ows:ExceptionReport', { version: '1.0.0' }, el('ows:Exception', { exceptionCode: 'NoApplicableCode' }, el('ows:ExceptionText', null, message))),
  );
}

function statusXml(job: ProcessJob, prefs: Wps1Prefs): XmlElement {
  const now = new Date().toISOString();
  let state: XmlElement;
  if (job.status === 'successful') state = el('wps:ProcessSucceeded', null, job.message ?? 'The process succeeded');
  else if (job.status === 'failed') state = failed(`Job '${job.id}' failed: ${job.error ?? job.message ?? 'no reason given'}`);
  else if (job.status === 'dismissed') state = failed(`Job '${job.id}' was dismissed`);
  else if (job.status === 'running' && prefs.status) {
    state = el('wps:ProcessStarted', { percentCompleted: String(Math.max(0, Math.min(99, Math.round(job.progress)))) }, job.message ?? 'Running');
  } else state = el('wps:ProcessAccepted', null, job.message ?? 'Accepted');
  return el('wps:Status', { creationTime: job.finished ? new Date(job.finished).toISOString() : now }, state);
}

async function outputData(o: StoredOutput, id: string, def: Wps1OutputDefinition | undefined, process: ProcessRecord | undefined, ctx: ExecuteResponseContext, jobId: string): Promise<XmlElement> {
  if (o.blobKey) {
    const mimeType = o.mediaType ?? 'application/octet-stream';
    if (def?.asReference !== true && (o.size ?? 0) <= ctx.maxInlineBytes) {
      const file = await ctx.processing.readOutput(jobId, o.blobKey, ctx.subject);
      const bytes = await readAll(file.body);
      if (bytes.length <= ctx.maxInlineBytes) {
        if (isText(mimeType)) return el('wps:Data', null, el('wps:ComplexData', { mimeType }, bytes.toString('utf8')));
        return el('wps:Data', null, el('wps:ComplexData', { mimeType, encoding: 'base64' }, bytes.toString('base64')));
      }
    }
    return el('wps:Reference', { href: fileUrl(ctx.jobUrl, o.blobKey), mimeType });
  }
  const schema = process?.description.outputs[id]?.schema;
  const value = o.value;
  if (schema && dataKindOf(schema) === 'bbox' && value && typeof value === 'object' && Array.isArray((value as { bbox?: unknown }).bbox)) {
    const { bbox, crs } = value as { bbox: number[]; crs?: string };
    return el('wps:Data', null, el('wps:BoundingBoxData', { crs: crs ?? CRS84, dimensions: '2' }, el('ows:LowerCorner', null, `${bbox[0]} ${bbox[1]}`), el('ows:UpperCorner', null, `${bbox[2]} ${bbox[3]}`)));
  }
  if (value !== null && typeof value === 'object') return el('wps:Data', null, el('wps:ComplexData', { mimeType: 'application/json' }, JSON.stringify(value)));
  const dataType = schema ? literalTypeOf(schema).uri : typeof value === 'number' ? 'http://www.w3.org/2001/XMLSchema#double' : typeof value === 'boolean' ? 'http://www.w3.org/2001/XMLSchema#boolean' : 'http://www.w3.org/2001/XMLSchema#string';
  return el('wps:Data', null, el('wps:LiteralData', { dataType }, String(value ?? '')));
}

function lineageInput(r: ReceivedInput): XmlElement {
  const id = el('ows:Identifier', null, r.id);
  if (r.kind === 'reference') return el('wps:Input', null, id, el('wps:Reference', { 'xlink:href': r.href, mimeType: r.mimeType }));
  if (r.kind === 'literal') return el('wps:Input', null, id, el('wps:Data', null, el('wps:LiteralData', null, r.text)));
  if (r.kind === 'complex') return el('wps:Input', null, id, el('wps:Data', null, el('wps:ComplexData', { mimeType: r.mimeType, encoding: r.encoding }, r.text)));
  return el(
    'wps:Input',
    null,
    id,
    el('wps:Data', null, el('wps:BoundingBoxData', { crs: r.crs, dimensions: '2' }, el('ows:LowerCorner', null, r.lower.join(' ')), el('ows:UpperCorner', null, r.upper.join(' ')))),
  );
}

export async function executeResponseXml(job: ProcessJob, process: ProcessRecord | undefined, prefs: Wps1Prefs, ctx: ExecuteResponseContext): Promise<string> {
  const brief = process ? processBrief1('wps:Process', process) : el('wps:Process', { 'wps:processVersion': 'unknown' }, el('ows:Identifier', null, job.processId), el('ows:Title', null, job.processId));
  let outputs: XmlElement | false = false;
  if (job.status === 'successful' && job.result) {
    const all = job.result.outputs;
    const wanted: Array<[string, StoredOutput, Wps1OutputDefinition | undefined]> = prefs.outputs.length
      ? prefs.outputs.filter((d) => all[d.id]).map((d) => [d.id, all[d.id]!, d])
      : Object.entries(all).map(([id, o]) => [id, o, prefs === DEFAULT_PREFS_1_0 ? { id, asReference: true } : undefined]);
    const elements: XmlElement[] = [];
    for (const [id, output, def] of wanted) {
      const d = process?.description.outputs[id];
      // Several files (an array output, a Directory's content): one wps:Output per file, same id.
      for (const part of output.items ?? [output]) elements.push(el('wps:Output', null, description1Parts(id, d ?? {}), await outputData(part, id, def, process, ctx, job.id)));
    }
    outputs = el('wps:ProcessOutputs', null, elements);
  }
  return serializeXml(
    el(
      'wps:ExecuteResponse',
      { ...wps1RootAttrs('wpsExecute_response.xsd'), serviceInstance: ctx.serviceInstance, statusLocation: ctx.statusLocation },
      brief,
      statusXml(job, prefs),
      prefs.lineage && prefs.inputs.length > 0 && el('wps:DataInputs', null, prefs.inputs.map(lineageInput)),
      prefs.lineage &&
        prefs.outputs.length > 0 &&
        el('wps:OutputDefinitions', null, prefs.outputs.map((o) => el('wps:Output', { asReference: o.asReference === undefined ? undefined : String(o.asReference), mimeType: o.mimeType }, el('ows:Identifier', null, o.id)))),
      outputs,
    ),
  );
}
