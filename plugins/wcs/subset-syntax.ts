/**
 * The KVP mini-syntaxes of WCS 2.0 (OGC 09-147r3 §8 and the extensions' KVP clauses):
 * SUBSET=axis[,crs](low,high) | axis[,crs](point), SCALEAXES=a(f),b(f), SCALESIZE=a(n),b(n),
 * SCALEEXTENT=a(lo:hi),b(lo:hi), RANGESUBSET=b1,b3:b5. Values may be quoted ("2020-01-01").
 */
import { wcsException } from './exceptions.js';
import type { DimensionSubset, RangeItem } from './requests.js';

/** A value without the double quotes clients put around time strings; '*' stays '*'. */
export function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).trim() : v;
}

const SUBSET = /^\s*([^,()\s]+)\s*(?:,\s*([^()]+?)\s*)?\(([^()]*)\)\s*$/;

export function parseSubsetKvp(text: string, locator = 'subset'): DimensionSubset {
  const m = SUBSET.exec(text);
  if (!m) throw wcsException('InvalidEncodingSyntax', `'${text}' is not a subset of the form axis(low,high) or axis(point)`, locator);
  const [, axis, crs, inner] = m as unknown as [string, string, string | undefined, string];
  const parts = inner!.split(',').map(unquote);
  if (parts.length === 1) {
    if (parts[0] === '' || parts[0] === '*') throw wcsException('InvalidSubsetting', `The slice '${text}' needs a point`, locator);
    return { kind: 'slice', axis: axis!, point: parts[0]!, crs: crs?.trim() };
  }
  if (parts.length !== 2) throw wcsException('InvalidEncodingSyntax', `'${text}' has ${parts.length} values; a trim has two (low,high), a slice one`, locator);
  const bound = (v: string) => (v === '*' || v === '' ? undefined : v);
  return { kind: 'trim', axis: axis!, low: bound(parts[0]!), high: bound(parts[1]!), crs: crs?.trim() };
}

/** Splits `a(1),b(2)` at the commas outside parentheses. */
export function splitOutsideParens(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** `name(value)` items of SCALEAXES / SCALESIZE / SCALEEXTENT. */
export function parseAxisValues(text: string, locator: string): Array<{ axis: string; value: string }> {
  const items = splitOutsideParens(text);
  if (items.length === 0) throw wcsException('InvalidEncodingSyntax', `${locator} lists no axis`, locator);
  return items.map((item) => {
    const m = /^([^()\s]+)\s*\(([^()]*)\)$/.exec(item);
    if (!m) throw wcsException('InvalidEncodingSyntax', `'${item}' in ${locator} is not of the form axis(value)`, locator);
    return { axis: m[1]!, value: m[2]!.trim() };
  });
}

export function parseRangeSubsetKvp(text: string): RangeItem[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw wcsException('InvalidEncodingSyntax', `RANGESUBSET '${text}' has an empty item`, 'rangeSubset');
  return items.map((item) => {
    const colon = item.indexOf(':');
    if (colon === -1) return { kind: 'component', name: item };
    const start = item.slice(0, colon).trim();
    const end = item.slice(colon + 1).trim();
    if (start === '' || end === '' || end.includes(':')) throw wcsException('InvalidEncodingSyntax', `'${item}' is not an interval of the form start:end`, 'rangeSubset');
    return { kind: 'interval', start, end };
  });
}
