import { invalidParameterValue, versionNegotiationFailed } from './exceptions.js';

/** OWS VersionType: x.y.z with y and z at most 99 (OWS Common 2.0 §7.3.1). */
const VERSION = /^\d+\.\d?\d\.\d?\d$/;

export function isVersionString(value: string): boolean {
  return VERSION.test(value);
}

/** Compares two dotted versions numerically ('1.10.0' > '1.9.0'); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function sortedAscending(supported: readonly string[]): string[] {
  if (supported.length === 0) throw new Error('A service must support at least one version');
  return [...supported].sort(compareVersions);
}

/**
 * GetCapabilities version negotiation of OWS Common 1.1/2.0 §7.3.2: without AcceptVersions
 * the highest supported version; otherwise the first version in the client's list (its order of
 * preference) that the server supports; none → VersionNegotiationFailed. Badly formed entries
 * are InvalidParameterValue, since they cannot be compared.
 */
export function negotiateAcceptVersions(acceptVersions: readonly string[] | undefined, supported: readonly string[], locator = 'AcceptVersions'): string {
  const ascending = sortedAscending(supported);
  const requested = (acceptVersions ?? []).map((v) => v.trim()).filter((v) => v !== '');
  if (requested.length === 0) return ascending[ascending.length - 1];
  for (const version of requested) {
    if (!isVersionString(version)) throw invalidParameterValue(locator, `'${version}' is not a version of the form x.y.z`);
  }
  const match = requested.find((v) => ascending.some((s) => compareVersions(s, v) === 0));
  if (match === undefined) {
    throw versionNegotiationFailed(`None of the requested versions (${requested.join(', ')}) is supported; supported: ${ascending.join(', ')}`, locator);
  }
  return ascending.find((s) => compareVersions(s, match) === 0)!;
}

/**
 * WMS (1.1.1 and 1.3.0 §6.2.4) negotiation from the VERSION of a GetCapabilities request: the
 * requested version when supported; above every supported one → the highest; below every one
 * → the lowest; in between → the highest supported version below it. No version → the highest.
 * The client is then expected to retry with the version it got, or give up.
 */
export function negotiateWmsVersion(requested: string | undefined, supported: readonly string[], locator = 'VERSION'): string {
  const ascending = sortedAscending(supported);
  const version = requested?.trim();
  if (!version) return ascending[ascending.length - 1];
  if (!/^\d+(\.\d+)*$/.test(version)) throw invalidParameterValue(locator, `'${version}' is not a version number`);
  const below = ascending.filter((s) => compareVersions(s, version) <= 0);
  return below.length > 0 ? below[below.length - 1] : ascending[0];
}

/**
 * The VERSION of an operation other than GetCapabilities must name a supported version exactly;
 * otherwise InvalidParameterValue (OWS Common 2.0 §7.3.2 note; WMS/WCS/WFS behave alike).
 */
export function requireSupportedVersion(version: string, supported: readonly string[], locator = 'VERSION'): string {
  const match = supported.find((s) => compareVersions(s, version.trim()) === 0 && isVersionLike(version));
  if (match === undefined) {
    throw invalidParameterValue(locator, `Version '${version}' is not supported; supported: ${sortedAscending(supported).join(', ')}`);
  }
  return match;
}

function isVersionLike(value: string): boolean {
  return /^\s*\d+(\.\d+)*\s*$/.test(value);
}
