/**
 * Exceptions in the OWS version of the request's CSW version: OWS 1.0 ExceptionReport for 2.0.2
 * (report version 1.2.0, as CSW 2.0.2's examples write it), OWS 2.0 for 3.0. The pipeline puts the
 * version in ctx.state as soon as it is known; before that (or when it never is) a KVP request's
 * VERSION or first AcceptVersions entry decides, and 2.0.2 otherwise.
 */
import type { Context } from 'koa';
import { owsErrorEncoder, type OwsReportOptions } from '../../core/ows/index.js';
import type { ErrorEncoder } from '../../core/plugin.js';
import { normaliseVersion, type CswVersion } from './versions.js';

export const VERSION_STATE = 'cswVersion';

function guessedVersion(ctx: Context): CswVersion {
  const known = ctx.state[VERSION_STATE] as CswVersion | undefined;
  if (known) return known;
  const query = Object.fromEntries(Object.entries(ctx.query).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
  const version = query.version ?? query.acceptversions?.split(',')[0];
  return version !== undefined && normaliseVersion(version) === '3.0.0' ? '3.0.0' : '2.0.2';
}

const REPORTS: Record<CswVersion, OwsReportOptions> = {
  '2.0.2': { version: '1.0.0', reportVersion: '1.2.0' },
  '3.0.0': { version: '2.0.0' },
};

export const cswErrorEncoder: ErrorEncoder = owsErrorEncoder((ctx) => REPORTS[guessedVersion(ctx)]);
