/** GET / (the landing page) and GET /conformance. */
import type { Context } from 'koa';
import type { ApiDeps } from './context.js';
import { definitionTable, escapeHtml, linkList, page } from './html.js';
import { MEDIA, REL, platformRoot, selfAndAlternate, type Link } from './links.js';
import { encodingOf } from './negotiate.js';
import { onlyFormatParameter } from './query-params.js';

export function landingPage(ctx: Context, deps: ApiDeps): void {
  const base = deps.baseUrl(ctx);
  const encoding = encodingOf(ctx);
  onlyFormatParameter(ctx, 'the landing page');
  const root = platformRoot(ctx, base);
  const links: Link[] = [
    ...selfAndAlternate(base, '', ctx, encoding, MEDIA.json, 'The landing page'),
    { href: `${root}/openapi.json`, rel: 'service-desc', type: MEDIA.openapi, title: 'The API definition (OpenAPI 3.0)' },
    { href: `${base}/conformance`, rel: 'conformance', type: MEDIA.json, title: 'Conformance classes implemented by this API' },
    { href: `${base}/conformance`, rel: REL.conformance, type: MEDIA.json, title: 'Conformance classes implemented by this API' },
    { href: `${base}/collections`, rel: 'data', type: MEDIA.json, title: 'Feature collections' },
    { href: `${base}/collections`, rel: REL.data, type: MEDIA.json, title: 'Feature collections' },
    { href: `${base}/collections?f=html`, rel: 'data', type: MEDIA.html, title: 'Feature collections as HTML' },
  ];
  if (encoding === 'json') {
    ctx.type = MEDIA.json;
    ctx.body = { title: deps.config.title, description: deps.config.description, links };
    return;
  }
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page(deps.config.title, [{ title: deps.config.title, href: base }], links, `<p>${escapeHtml(deps.config.description)}</p>\n${linkList(links.filter((l) => l.rel !== 'self' && !l.rel.startsWith('http')))}`);
}

export function conformancePage(ctx: Context, deps: ApiDeps, classes: string[]): void {
  const base = deps.baseUrl(ctx);
  const encoding = encodingOf(ctx);
  onlyFormatParameter(ctx, 'the conformance declaration');
  const links = selfAndAlternate(base, '/conformance', ctx, encoding, MEDIA.json, 'The conformance declaration');
  if (encoding === 'json') {
    ctx.type = MEDIA.json;
    ctx.body = { conformsTo: classes, links };
    return;
  }
  ctx.type = 'text/html; charset=utf-8';
  const rows = classes.map((c): [string, string] => [c.replace(/^http:\/\/www\.opengis\.net\/spec\//, ''), `<a href="${escapeHtml(c)}">${escapeHtml(c)}</a>`]);
  ctx.body = page('Conformance classes', [{ title: deps.config.title, href: base }, { title: 'Conformance', href: `${base}/conformance` }], links, definitionTable(rows) + linkList(links.filter((l) => l.rel === 'alternate')));
}
