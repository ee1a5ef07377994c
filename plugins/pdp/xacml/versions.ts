/** XACML version strings ("1.2.3") and VersionMatchType patterns ("1.*.+"), section 5.13. */

function parts(v: string): number[] {
  return v.split('.').map(Number);
}

export function compareVersions(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** '*' matches one number, '+' (last) matches any number of further numbers. */
export function versionMatches(version: string, pattern: string): boolean {
  const v = version.split('.');
  const p = pattern.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '+') return true;
    if (i >= v.length) return false;
    if (p[i] !== '*' && Number(p[i]) !== Number(v[i])) return false;
  }
  return v.length === p.length;
}

/** version >= earliest: wildcards in the bound count as the smallest value. */
export function notEarlierThan(version: string, earliest: string): boolean {
  const bound = earliest.split('.').filter((x) => x !== '+').map((x) => (x === '*' ? '0' : x)).join('.');
  return compareVersions(version, bound || '0') >= 0;
}

/** version <= latest: wildcards in the bound count as unbounded. */
export function notLaterThan(version: string, latest: string): boolean {
  const v = parts(version);
  const l = latest.split('.');
  for (let i = 0; i < l.length; i++) {
    if (l[i] === '+' || l[i] === '*') { if (l[i] === '+') return true; continue; }
    const d = (v[i] ?? -1) - Number(l[i]);
    if (d !== 0) return d < 0;
  }
  return v.length <= l.length;
}
