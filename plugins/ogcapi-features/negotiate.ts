/**
 * The encoding a GET answers in: `?f=json|html` (also `geojson` on items) wins, else the Accept
 * header (q-values honoured; `*\/*` and no header mean JSON), else 406 naming what is offered.
 */
import type { Context } from 'koa';
import { MeridianError } from '../../core/errors.js';

export type Encoding = 'json' | 'html';

/** The JSON media type of each kind of resource. */
export type JsonFlavour = 'application/json' | 'application/geo+json' | 'application/schema+json';

interface MediaRange {
  type: string;
  q: number;
  /** Position in the header: ties in q keep the client's order. */
  index: number;
}

function mediaRanges(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.split('=').map((s) => s.trim());
        if (k?.toLowerCase() === 'q') q = Number(v);
      }
      return { type: type.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

const JSON_TYPES = new Set(['application/json', 'application/geo+json', 'application/schema+json', 'application/*', '*/*']);
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/*']);

/** The encoding a request asks for; `json` is the default. */
export function encodingOf(ctx: Context, flavour: JsonFlavour = 'application/json'): Encoding {
  const f = ctx.query.f;
  if (Array.isArray(f)) throw new MeridianError(400, 'f is given more than once', { code: 'InvalidParameterValue', locator: 'f' });
  if (f !== undefined) {
    const name = f.toLowerCase();
    if (name === 'json' || (name === 'geojson' && flavour === 'application/geo+json')) return 'json';
    if (name === 'html') return 'html';
    throw new MeridianError(406, `Unsupported format f=${f}: this resource is offered as f=json (${flavour}) or f=html (text/html)`, { code: 'NotAcceptable', locator: 'f' });
  }
  const accept = ctx.get('Accept');
  if (!accept.trim()) return 'json';
  for (const range of mediaRanges(accept)) {
    if (JSON_TYPES.has(range.type)) return 'json';
    if (HTML_TYPES.has(range.type)) return 'html';
  }
  throw new MeridianError(406, `None of the accepted media types (${accept}) is offered: ask for ${flavour} or text/html, or use f=json / f=html`, { code: 'NotAcceptable', locator: 'Accept' });
}
