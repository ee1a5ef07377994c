/**
 * Coverage ids must be NCNames (WCS CoverageId, WMS layer names in URLs). A catalogue product's
 * identifier becomes its granule's coverage id unchanged when it is one (S2A_MSIL2A_... stays as
 * it is), otherwise escaped reversibly the way XML name encoding does it: a character outside
 * [A-Za-z0-9._-] (or a first character that may not start an NCName) becomes `_xHHHH` (its
 * UTF-16 code unit), and so does a '_' that would otherwise read as the start of such an escape.
 */
const ESCAPE = /_x[0-9A-F]{4}/;
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const escapeUnit = (c: string) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

export function productCoverageId(identifier: string): string {
  if (NCNAME.test(identifier) && !ESCAPE.test(identifier)) return identifier;
  let out = '';
  for (let i = 0; i < identifier.length; i++) {
    const c = identifier[i]!;
    const allowed = i === 0 ? /[A-Za-z_]/.test(c) : /[A-Za-z0-9_.-]/.test(c);
    const looksLikeEscape = c === '_' && ESCAPE.test(identifier.slice(i, i + 6));
    out += allowed && !looksLikeEscape ? c : escapeUnit(c);
  }
  return out;
}

/** The product identifier a granule coverage id stands for. */
export function productIdentifierOf(coverageId: string): string {
  return coverageId.replace(/_x([0-9A-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export function isNcName(value: string): boolean {
  return NCNAME.test(value);
}
