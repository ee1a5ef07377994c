/**
 * ProcessCoverages (WCS 2.0 Processing Extension, OGC 08-059r4): a WCPS query in the `query`
 * parameter (KVP on GET or form POST) or in the <query> (or <query><abstractSyntax>) element of
 * an XML POST, answered by the `wcps` service when the WCPS plugin is enabled.
 */
import type { Context } from 'koa';
import { missingParameterValue } from '../../core/ows/index.js';
import type { WcpsService } from '../wcps/types.js';
import type { WcsEnv, WcsResponse } from './context.js';
import type { RequestHead } from './requests.js';

export const PROCESS_COVERAGES = 'ProcessCoverages';

export const PROCESSING_PROFILES = [
  'http://www.opengis.net/spec/WCS_service-extension_processing/2.0/conf/processing',
  'http://www.opengis.net/spec/WCPS/1.0/conf/wcps',
] as const;

export function isProcessCoverages(head: RequestHead): boolean {
  return head.operation?.trim().toLowerCase() === PROCESS_COVERAGES.toLowerCase();
}

function queryOf(head: RequestHead): string | undefined {
  if (head.binding === 'kvp') return head.kvp?.optional('query');
  const query = head.root?.children.find((c) => c.name === 'query' || c.name === 'Query');
  if (!query) return undefined;
  const abstract = query.children.find((c) => c.name === 'abstractSyntax');
  return (abstract ?? query).text;
}

export async function processCoverages(head: RequestHead, env: WcsEnv, wcps: WcpsService, signal: AbortSignal): Promise<WcsResponse> {
  const query = queryOf(head);
  if (query === undefined || query.trim() === '') throw missingParameterValue('query', 'ProcessCoverages needs a WCPS query in the query parameter');
  const out = await wcps.process(query, env.subject, { signal });
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
