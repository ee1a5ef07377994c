/**
 * GET /pdp: the REST Profile's home resource, linking the PDP (decision) resource with the
 * relation http://docs.oasis-open.org/ns/xacml/relation/pdp. XML (home-documents namespace,
 * atom:link) by default, JSON (JSON Home) for Accept: application/json.
 */
import type { Context } from 'koa';
import { escapeXml } from '../generated-policies.js';

export const PDP_RELATION = 'http://docs.oasis-open.org/ns/xacml/relation/pdp';
export const HOME_NS = 'http://ietf.org/ns/home-documents';
export const ATOM_NS = 'http://www.w3.org/2005/Atom';

export function homeResource(ctx: Context, base: string): void {
  const href = `${base}/decision`;
  const wanted = ctx.accepts('application/xml', 'application/json', 'application/json-home', 'text/xml');
  ctx.vary('Accept');
  if (wanted === 'application/json' || wanted === 'application/json-home') {
    ctx.type = wanted;
    ctx.body = { resources: { [PDP_RELATION]: { href } } };
    return;
  }
  ctx.type = wanted === 'text/xml' ? 'text/xml' : 'application/xml';
  ctx.body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<resources xmlns="${HOME_NS}" xmlns:atom="${ATOM_NS}">\n` +
    `  <resource rel="${PDP_RELATION}">\n    <atom:link href="${escapeXml(href)}"/>\n  </resource>\n` +
    `</resources>\n`;
}
