/**
 * The WCS versions this endpoint answers and how a request's version is chosen.
 *
 * Served: 1.0.0, 1.1.1, 2.0.0 and 2.0.1. A request for 1.1.0 or 1.1.2 is answered as 1.1.1, as
 * GeoServer and MapServer do (the 1.1.x corrigenda differ in documents, not in requests).
 *
 * GetCapabilities:
 * - with AcceptVersions (OWS Common 1.1/2.0 §7.3.2, WCS 1.1 and 2.0): the first version of the
 *   client's list that is served; none → VersionNegotiationFailed;
 * - with VERSION only (WCS 1.0.0 §6.2.4, the WMS rule; GDAL and OWSLib send VERSION for every
 *   version): that version when served; otherwise the highest served version below it, or the
 *   lowest when it is below them all;
 * - with neither: the highest (2.0.1).
 * Every other operation names its version (VERSION in KVP, required), which must be served.
 */
import { compareVersions, invalidParameterValue, isVersionString, missingParameterValue, negotiateWmsVersion, versionNegotiationFailed } from '../../core/ows/index.js';

export const WCS_VERSIONS = ['1.0.0', '1.1.1', '2.0.0', '2.0.1'] as const;
export type WcsVersion = (typeof WCS_VERSIONS)[number];

/** The three protocol families: their requests, documents and exceptions differ entirely. */
export type WcsFamily = '1.0' | '1.1' | '2.0';

/** Versions read as another one. */
const ANSWERED_AS: Record<string, WcsVersion> = { '1.1.0': '1.1.1', '1.1.2': '1.1.1' };

/** Advertised versions, highest first (ServiceTypeVersion, the service registry). */
export const ADVERTISED_VERSIONS: readonly WcsVersion[] = [...WCS_VERSIONS].sort((a, b) => compareVersions(b, a));

export function familyOf(version: WcsVersion): WcsFamily {
  return version === '1.0.0' ? '1.0' : version === '1.1.1' ? '1.1' : '2.0';
}

/** The served version a written one stands for (1.1.0 and 1.1.2 are 1.1.1), or undefined. */
export function servedVersion(written: string): WcsVersion | undefined {
  const v = written.trim();
  if (!/^\d+(\.\d+)*$/.test(v)) return undefined;
  const exact = WCS_VERSIONS.find((s) => compareVersions(s, v) === 0);
  if (exact) return exact;
  const alias = Object.keys(ANSWERED_AS).find((a) => compareVersions(a, v) === 0);
  return alias ? ANSWERED_AS[alias] : undefined;
}

export interface VersionParameters {
  /** The KVP VERSION (or the XML version attribute). */
  version?: string;
  /** AcceptVersions, when the request has it. */
  acceptVersions?: readonly string[];
}

/** GetCapabilities negotiation (see above); `among` restricts the candidates (the XML binding is 2.0 only). */
export function negotiateCapabilitiesVersion(p: VersionParameters, among: readonly WcsVersion[] = WCS_VERSIONS): WcsVersion {
  const accept = (p.acceptVersions ?? []).map((v) => v.trim()).filter((v) => v !== '');
  if (accept.length > 0) {
    for (const v of accept) if (!isVersionString(v)) throw invalidParameterValue('acceptVersions', `'${v}' is not a version of the form x.y.z`);
    for (const v of accept) {
      const served = servedVersion(v);
      if (served && among.includes(served)) return served;
    }
    throw versionNegotiationFailed(`None of the requested versions (${accept.join(', ')}) is supported; supported: ${[...among].join(', ')}`, 'acceptVersions');
  }
  const written = p.version?.trim();
  if (written) {
    const served = servedVersion(written);
    if (served && among.includes(served)) return served;
    return negotiateWmsVersion(written, among, 'version') as WcsVersion;
  }
  return [...among].sort(compareVersions)[among.length - 1]!;
}

/** The version of an operation other than GetCapabilities: required in KVP, and served. */
export function requireOperationVersion(p: VersionParameters, binding: 'kvp' | 'xml', among: readonly WcsVersion[] = WCS_VERSIONS): WcsVersion {
  const written = p.version?.trim();
  if (written === undefined || written === '') {
    if (binding === 'kvp') throw missingParameterValue('version');
    // The XML binding's version attribute is required too; 2.0.1 when a client leaves it out.
    return '2.0.1';
  }
  const served = servedVersion(written);
  if (!served || !among.includes(served)) throw invalidParameterValue('version', `Version '${written}' is not supported; supported: ${[...among].join(', ')}`);
  return served;
}
