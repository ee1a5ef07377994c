/**
 * WCS 1.0.0 GetCoverage (§9): COVERAGE, CRS and RESPONSE_CRS (offered ones: the native CRS and
 * the configured), BBOX (outer edges, x/y), TIME, WIDTH/HEIGHT or RESX/RESY, BAND (the range
 * axis), INTERPOLATION and FORMAT, read as one engine call on the grid target-grid.ts derives.
 * The response is the encoded file itself (GeoTIFF, PNG or JPEG).
 */
import type { WcsEnv, WcsResponse } from '../../context.js';
import { BAND_AXIS, bandIndexesOf } from '../bands.js';
import { coverageCrsList, requestCrs } from '../crs.js';
import { encodeCoverage } from '../encode.js';
import { formatOf, FORMATS_1 } from '../formats.js';
import { INTERPOLATIONS_10, resamplingOf } from '../interpolation.js';
import { checkGridLimits, grid10 } from '../target-grid.js';
import { timeRangeOf } from '../time.js';
import { fail10, wcs10ErrorOfCoverage, wcs10Exception } from './exceptions.js';
import type { GetCoverage10Request } from './requests.js';

export async function getCoverage10(request: GetCoverage10Request, env: WcsEnv): Promise<WcsResponse> {
  const d = await env.coverages.get(request.coverage, env.subject);
  if (!d) throw wcs10Exception('CoverageNotDefined', `No coverage '${request.coverage}' is offered`, 'COVERAGE');
  const format = formatOf(request.format);
  if (!format) throw wcs10Exception('InvalidFormat', `FORMAT '${request.format}' is not offered; formats are ${FORMATS_1.map((f) => f.name).join(', ')}`, 'FORMAT');
  const offered = coverageCrsList(d, env.offeredCrs);
  const crs = requestCrs(request.crs, offered, (m) => fail10('CRS', m));
  const responseCrs = request.responseCrs === undefined ? crs : requestCrs(request.responseCrs, offered, (m) => fail10('RESPONSE_CRS', m));
  const resampling = request.interpolation === undefined ? 'nearest' : resamplingOf(request.interpolation);
  if (!resampling) throw wcs10Exception('InvalidParameterValue', `INTERPOLATION '${request.interpolation}' is not offered; methods are ${INTERPOLATIONS_10.join(', ')}`, 'INTERPOLATION');
  const bands = request.bands === undefined ? undefined : bandIndexesOf(request.bands, d, BAND_AXIS, fail10, true);
  const time = request.time === undefined ? undefined : timeRangeOf(request.time, d, 'TIME', fail10);
  const target = grid10(d, { crs, responseCrs, bbox: request.bbox, width: request.width, height: request.height, resx: request.resx, resy: request.resy }, fail10);
  checkGridLimits(target, bands?.length ?? d.bands.length, env.coverages.limits, fail10, request.width !== undefined ? 'WIDTH' : request.resx !== undefined ? 'RESX' : 'BBOX');
  const out = await encodeCoverage(env, d, { target, bands, time, resampling, format }, (code, message) => wcs10ErrorOfCoverage(code, message, d.id));
  const filename = out.filename ?? `${d.id}.${format.extension}`;
  return { contentType: out.contentType || format.mimeType, body: out.body, headers: { 'Content-Disposition': `inline; filename="${filename}"` } };
}
