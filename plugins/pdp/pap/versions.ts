/** XACML VersionType ("1", "1.0.2"): numbers separated by dots, ordered number by number. */
const VERSION = /^\d+(\.\d+)*$/;

export function isVersion(text: string): boolean {
  return VERSION.test(text);
}

/** Negative when a is older than b, 0 when equal, positive when newer ("1.10" > "1.9", "1.0" > "1"). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i >= x.length) return -1;
    if (i >= y.length) return 1;
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return 0;
}
