/**
 * Where the query is in a request: the `query` parameter of a GET or form POST, else the POST
 * body as text (text/plain), or an XML request document (a body starting with '<'): a WCPS 1.0
 * ProcessCoveragesRequest or a WCS 2.0 Processing Extension ProcessCoverages, read by
 * xml-syntax.ts. Also gives the AbortSignal of the client's connection, which stops the query
 * when the client goes away.
 */
import type { Context } from 'koa';
import { missingParameterValue, parseKvp, parseXmlElementTree, type XmlTreeNode } from '../../core/ows/index.js';
import { readBody } from '../../core/server/body.js';

/** The query text, or the root of an XML request document. */
export async function queryOf(ctx: Context): Promise<string | { xml: XmlTreeNode }> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') {
    const q = parseKvp(ctx.querystring).optional('query');
    if (q === undefined || q.trim() === '') throw missingParameterValue('query', 'The WCPS query goes in the query parameter (or the POST body)');
    return q;
  }
  const raw = await readBody(ctx);
  const body = raw.toString('utf8');
  if (ctx.is('application/x-www-form-urlencoded')) {
    const q = parseKvp(body).optional('query');
    if (q === undefined || q.trim() === '') throw missingParameterValue('query', 'The form has no query field');
    return q;
  }
  // Not-well-formed XML is InvalidEncodingSyntax, as for the WCS XML binding.
  if (body.trimStart().startsWith('<')) return { xml: parseXmlElementTree(raw, { maxBytes: (ctx.state.bodyLimit as number | undefined) ?? undefined, code: 'InvalidEncodingSyntax' }) };
  if (body.trim() === '') throw missingParameterValue('query', 'The POST body is empty: it should be the WCPS query');
  return body;
}

/** Aborted when the client closes the connection before the response is sent. */
export function clientSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const onClose = () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('the client closed the connection'));
  };
  // The response's close (not the request's, which fires once the body is read) means the connection went.
  ctx.res.once('close', onClose);
  return controller.signal;
}
