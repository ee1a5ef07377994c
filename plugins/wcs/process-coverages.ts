/**
 * ProcessCoverages (WCS 2.0 Processing Extension, OGC 08-059r4): a WCPS query in the `query`
 * parameter (KVP on GET or form POST, with extra parameters `1`, `2`… for `$1`, `$2`…) or an
 * XML POST: proc:ProcessCoverages (08-059r4) or a WCPS 1.0 ProcessCoveragesRequest (query in
 * the abstract or the XML syntax), which the `wcps` service reads. Answered when the WCPS plugin
 * is enabled.
 */
import type { Context } from 'koa';
import { invalidParameterValue, missingParameterValue } from '../../core/ows/index.js';
import type { WcpsService } from '../wcps/types.js';
import type { WcsEnv, WcsResponse } from './context.js';
import type { RequestHead } from './requests.js';

export const PROCESS_COVERAGES = 'ProcessCoverages';

export const PROCESSING_PROFILES = [
  'http://www.opengis.net/spec/WCS_service-extension_processing/2.0/conf/processing',
  'http://www.opengis.net/spec/WCPS/1.0/conf/wcps',
] as const;

/** REQUEST=ProcessCoverages, or an XML root ProcessCoverages or ProcessCoveragesRequest (WCPS 1.0). */
export function isProcessCoverages(head: RequestHead): boolean {
  const name = head.operation?.trim().toLowerCase();
  return name === PROCESS_COVERAGES.toLowerCase() || (head.binding === 'xml' && name === 'processcoveragesrequest');
}

/**
 * A WCPS 1.0 ProcessCoveragesRequest: its version attribute is that of its schema's WCS 1.1 base
 * type (fixed to 1.1.2) or, as rasdaman writes it, the WCPS version 1.0.0, not a WCS 2.0
 * version; its service is WCS (the schema) or WCPS (rasdaman).
 */
export function isWcps10Request(head: RequestHead): boolean {
  return head.binding === 'xml' && head.root?.name === 'ProcessCoveragesRequest';
}

export function requireWcps10Service(head: RequestHead): void {
  const service = head.service?.trim();
  if (service !== undefined && service !== '' && service.toUpperCase() !== 'WCS' && service.toUpperCase() !== 'WCPS') {
    throw invalidParameterValue('service', `service must be WCS (or WCPS); got '${service}'`);
  }
}

/** KVP extra parameters: keys 1, 2, … in order (08-059r4 requirements 8 and 9). */
function kvpParameters(head: RequestHead): string[] {
  const out: string[] = [];
  for (let n = 1; ; n++) {
    const v = head.kvp?.optional(String(n));
    if (v === undefined) return out;
    out.push(v);
  }
}

export async function processCoverages(head: RequestHead, env: WcsEnv, wcps: WcpsService, signal: AbortSignal): Promise<WcsResponse> {
  let out;
  if (head.binding === 'xml' && head.root) out = await wcps.processXml(head.root, env.subject, { signal });
  else {
    const query = head.kvp?.optional('query');
    if (query === undefined || query.trim() === '') throw missingParameterValue('query', 'ProcessCoverages needs a WCPS query in the query parameter');
    out = await wcps.process(query, env.subject, { signal, parameters: kvpParameters(head) });
  }
  return { contentType: out.contentType, body: out.body, headers: out.filename ? { 'Content-Disposition': `inline; filename="${out.filename}"` } : undefined };
}

/** Aborted when the client closes the connection before the response is sent: the query stops. */
export function clientSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('the client closed the connection'));
  };
  // The response's close (not the request's, which fires once the body is read) means the connection went.
  ctx.res.once('close', onClose);
  return controller.signal;
}
