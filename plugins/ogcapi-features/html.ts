/**
 * HTML pages: one small stylesheet inline, no scripts or external assets, a heading, a
 * breadcrumb, tables of properties and lists of links. Every value is escaped.
 */
import type { Link } from './links.js';

export const escapeHtml = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#222}' +
  'table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}' +
  'th{background:#f4f4f4}nav{font-size:.9rem;margin-bottom:1rem}code,pre{background:#f4f4f4;padding:0 .2rem}pre{padding:.5rem;overflow:auto;max-height:20rem}';

export interface Crumb {
  title: string;
  href: string;
}

/** The document's opening: head (alternate JSON link), breadcrumb and title. */
export function pageStart(title: string, crumbs: Crumb[], links: Link[]): string {
  const alternates = links
    .filter((l) => l.rel === 'alternate')
    .map((l) => `<link rel="alternate" type="${escapeHtml(l.type ?? '')}" href="${escapeHtml(l.href)}">`)
    .join('');
  const nav = crumbs.map((c, i) => (i === crumbs.length - 1 ? escapeHtml(c.title) : `<a href="${escapeHtml(c.href)}">${escapeHtml(c.title)}</a>`)).join(' / ');
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title>${alternates}<style>${STYLE}</style></head>\n<body><nav>${nav}</nav><h1>${escapeHtml(title)}</h1>\n`
  );
}

export const pageEnd = '</body></html>\n';

export function page(title: string, crumbs: Crumb[], links: Link[], body: string): string {
  return `${pageStart(title, crumbs, links)}${body}\n${pageEnd}`;
}

export function linkList(links: Link[], heading = 'Links'): string {
  if (links.length === 0) return '';
  const items = links.map((l) => `<li><a href="${escapeHtml(l.href)}"${l.rel ? ` rel="${escapeHtml(l.rel)}"` : ''}>${escapeHtml(l.title ?? l.href)}</a> <small>(${escapeHtml(l.rel)}${l.type ? `, ${escapeHtml(l.type)}` : ''})</small></li>`);
  return `<h2>${escapeHtml(heading)}</h2><ul class="links">${items.join('')}</ul>`;
}

/** A two-column table of name/value pairs (values already HTML when `raw`). */
export function definitionTable(rows: Array<[string, string]>, caption?: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${v}</td></tr>`).join('');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<tbody>${body}</tbody></table>`;
}

/** A property value as HTML text: objects as compact JSON, null as an empty cell. */
export function valueHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
  return escapeHtml(value);
}
