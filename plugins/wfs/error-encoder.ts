/**
 * Exceptions in the OWS version of the request's WFS version: WFS 2.0 is built on OWS Common 1.1
 * (09-025r2 §7.5: an ows:ExceptionReport of OWS 1.1 with version="2.0.0", as its schemas and
 * examples have it), WFS 1.1.0 on OWS 1.0 (version="1.1.0"). The pipeline puts the version in
 * ctx.state as soon as it is known; before that a KVP VERSION or first AcceptVersions entry decides,
 * else 2.0.0.
 */
import type { Context } from 'koa';
import { owsErrorEncoder, type OwsReportOptions } from '../../core/ows/index.js';
import type { ErrorEncoder } from '../../core/plugin.js';
import { normaliseVersion, PROFILES, type WfsVersion } from './versions.js';

export const VERSION_STATE = 'wfsVersion';

function guessedVersion(ctx: Context): WfsVersion {
  const known = ctx.state[VERSION_STATE] as WfsVersion | undefined;
  if (known) return known;
  const query = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
  const version = query.version ?? query.acceptversions?.split(',')[0];
  return version !== undefined && normaliseVersion(version).startsWith('1.') ? '1.1.0' : '2.0.0';
}

function reportOptions(version: WfsVersion): OwsReportOptions {
  const profile = PROFILES[version];
  return { version: profile.ows, reportVersion: profile.reportVersion };
}

export const wfsErrorEncoder: ErrorEncoder = owsErrorEncoder((ctx) => reportOptions(guessedVersion(ctx)));
