/**
 * Where the query is in a request: the `query` parameter of a GET or form POST, else the POST
 * body as text (text/plain), or the text of a <query>/<abstractSyntax> element of an XML body
 * (the WCS Processing Extension's POST encoding). Also gives the AbortSignal of the client's
 * connection, which stops the query when the client goes away.
 */
import type { Context } from 'koa';
import { missingParameterValue, parseKvp } from '../../core/ows/index.js';
import { readBody } from '../../core/server/body.js';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function xmlText(text: string): string {
  const cdata = /<!\[CDATA\[([\s\S]*?)\]\]>/.exec(text);
  if (cdata) return cdata[1]!;
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e.toLowerCase()]!,
  );
}

/** The query of an XML ProcessCoverages document, or undefined when the document has none. */
export function queryOfXml(xml: string): string | undefined {
  const m = /<(?:[\w.-]+:)?(abstractSyntax|query)\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?\1\s*>/.exec(xml);
  if (!m) return undefined;
  const inner = m[2]!;
  const nested = /<(?:[\w.-]+:)?abstractSyntax\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?abstractSyntax\s*>/.exec(inner);
  return xmlText((nested ? nested[1]! : inner).trim());
}

export async function queryOf(ctx: Context): Promise<string> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') {
    const q = parseKvp(ctx.querystring).optional('query');
    if (q === undefined || q.trim() === '') throw missingParameterValue('query', 'The WCPS query goes in the query parameter (or the POST body)');
    return q;
  }
  const body = (await readBody(ctx)).toString('utf8');
  if (ctx.is('application/x-www-form-urlencoded')) {
    const q = parseKvp(body).optional('query');
    if (q === undefined || q.trim() === '') throw missingParameterValue('query', 'The form has no query field');
    return q;
  }
  if (body.trimStart().startsWith('<')) {
    const q = queryOfXml(body);
    if (q === undefined) throw missingParameterValue('query', 'The XML request has no <query> or <abstractSyntax> element');
    return q;
  }
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
