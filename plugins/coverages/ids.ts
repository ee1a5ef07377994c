/**
 * Coverage ids must be NCNames (WCS CoverageId, WMS layer names in URLs). A catalogue product's
 * identifier becomes its granule's coverage id unchanged when it is one, otherwise escaped
 * reversibly: every character outside [A-Za-z0-9.-] and every '_' becomes `_xHHHH` (UTF-16 code
 * unit), and a leading digit, '.' or '-' is escaped too.
 */
const SAFE = /^[A-Za-z][A-Za-z0-9.-]*$/;

export function productCoverageId(identifier: string): string {
  if (SAFE.test(identifier)) return identifier;
  let out = '';
  for (let i = 0; i < identifier.length; i++) {
    const c = identifier[i]!;
    const keep = /[A-Za-z]/.test(c) || (i > 0 && /[0-9.-]/.test(c));
    out += keep ? c : `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** The product identifier a granule coverage id stands for (undefined when it is not a valid encoding). */
export function productIdentifierOf(coverageId: string): string | undefined {
  let out = '';
  for (let i = 0; i < coverageId.length; i++) {
    const c = coverageId[i]!;
    if (c !== '_') {
      out += c;
      continue;
    }
    const hex = /^_x([0-9A-F]{4})/.exec(coverageId.slice(i));
    if (!hex) return undefined;
    out += String.fromCharCode(parseInt(hex[1]!, 16));
    i += 5;
  }
  return out;
}

export function isNcName(value: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value);
}
