/**
 * WCS 1.1.1 GetCoverage (§10, KVP): IDENTIFIER, BOUNDINGBOX (grid point extent, in its CRS's
 * axis order; CRS84 when it names none), TIMESEQUENCE, RANGESUBSET (`contents[:interpolation]
 * [Band[keys]]`), FORMAT, store=false, and the output GridCRS (GRIDBASECRS, GRIDTYPE, GRIDCS,
 * GRIDORIGIN, GRIDOFFSETS; the native grid when left out), read as one engine call.
 *
 * The response is multipart (§10.3.1, as QGIS, GDAL and OWSLib read it): a Coverages document
 * whose Coverage refers by Content-ID to the encoded file, then the file, binary. The boundary
 * is the Content-Type's last parameter, quoted: QGIS reads everything after `boundary=` up to a
 * quote as the boundary.
 */
import { randomBytes } from 'node:crypto';
import { el, serializeXml, type CrsDefinition } from '../../../../core/ows/index.js';
import type { CoverageDescription, Resampling } from '../../../coverages/types.js';
import { crsDefinition } from '../../axes.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { BAND_AXIS, bandIndexesOf, RANGE_FIELD } from '../bands.js';
import { authorityOrder11, coverageCrsList, requestCrs } from '../crs.js';
import { encodeCoverage } from '../encode.js';
import { formatOf, FORMATS_1 } from '../formats.js';
import { INTERPOLATIONS_11, resamplingOf } from '../interpolation.js';
import { checkGridLimits, grid11, type GridSteps } from '../target-grid.js';
import { timeRangeOf } from '../time.js';
import { descriptionXml } from './capabilities.js';
import { fail11, wcs11ErrorOfCoverage, wcs11Exception } from './exceptions.js';
import { COVERAGE_ROLE, GRID, wcs11RootAttrs, WCS11_SCHEMAS } from './namespaces.js';
import type { FieldSubset, GetCoverage11Request } from './requests.js';

const DEFAULT_BBOX_CRS = 'urn:ogc:def:crs:OGC:1.3:CRS84';

/** Two values written in `crs`'s order as `identifier` spells it → x/y. */
function xyOf(values: readonly number[], identifier: string): [number, number] {
  return authorityOrder11(identifier) ? [values[1]!, values[0]!] : [values[0]!, values[1]!];
}

function gridStepsOf(request: GetCoverage11Request, baseIdentifier: string): GridSteps | undefined {
  const offsets = request.gridOffsets;
  const type = request.gridType;
  const simple = type === undefined ? offsets?.length !== 4 : /:2dSimpleGrid$/i.test(type);
  if (type !== undefined && !simple && !/:2dGridIn2dCrs$/i.test(type)) {
    throw wcs11Exception('InvalidParameterValue', `GridType '${type}' is not offered; use ${GRID.simple} or ${GRID.in2dCrs}`, 'GridType');
  }
  if (!offsets) return undefined;
  if (simple) {
    if (offsets.length !== 2) throw wcs11Exception('InvalidParameterValue', `GridOffsets of a 2dSimpleGrid has two values (one per CRS axis); got ${offsets.length}`, 'GridOffsets');
    const [dx, dy] = xyOf(offsets, baseIdentifier);
    return { dx, dy };
  }
  if (offsets.length !== 4) throw wcs11Exception('InvalidParameterValue', `GridOffsets of a 2dGridIn2dCrs has four values (two vectors); got ${offsets.length}`, 'GridOffsets');
  // Two offset vectors in CRS axis order; each must run along one CRS axis (no rotation or skew).
  const v1 = xyOf(offsets.slice(0, 2), baseIdentifier);
  const v2 = xyOf(offsets.slice(2, 4), baseIdentifier);
  if (v1[1] === 0 && v2[0] === 0) return { dx: v1[0], dy: v2[1] };
  if (v1[0] === 0 && v2[1] === 0) return { dx: v2[0], dy: v1[1] };
  throw wcs11Exception('InvalidParameterValue', 'Rotated or skewed grids are not offered: each GridOffsets vector must run along one CRS axis', 'GridOffsets');
}

function rangeSubsetOf(fields: readonly FieldSubset[] | undefined, d: CoverageDescription): { bands?: number[]; interpolation?: string } {
  if (!fields) return {};
  if (fields.length !== 1) throw wcs11Exception('InvalidParameterValue', `${d.id} has one field, '${RANGE_FIELD}'; RangeSubset names ${fields.length}`, 'RangeSubset');
  const f = fields[0]!;
  if (f.field.toLowerCase() !== RANGE_FIELD) throw wcs11Exception('InvalidParameterValue', `${d.id} has no field '${f.field}'; its field is '${RANGE_FIELD}'`, 'RangeSubset');
  let bands: number[] | undefined;
  for (const a of f.axes) {
    if (a.axis.toLowerCase() !== BAND_AXIS.toLowerCase()) throw wcs11Exception('InvalidParameterValue', `Field '${RANGE_FIELD}' has no axis '${a.axis}'; its axis is '${BAND_AXIS}'`, 'RangeSubset');
    if (bands) throw wcs11Exception('InvalidParameterValue', `Axis '${BAND_AXIS}' is subset twice`, 'RangeSubset');
    bands = bandIndexesOf(a.keys, d, 'RangeSubset', fail11, false);
  }
  return { bands, interpolation: f.interpolation };
}

interface MultipartResponse {
  contentType: string;
  body: Buffer;
}

/** The Coverages document and the file, as multipart/related. */
function multipart(d: CoverageDescription, file: { body: Buffer; contentType: string; filename: string }): MultipartResponse {
  const cid = `coverage/${file.filename}`;
  const coverages = serializeXml(
    el(
      'Coverages',
      wcs11RootAttrs(WCS11_SCHEMAS.coverages),
      el('Coverage', null, descriptionXml(d), el('ows:Identifier', null, d.id), el('ows:Reference', { 'xlink:href': `cid:${cid}`, 'xlink:role': COVERAGE_ROLE }, el('ows:Format', null, file.contentType.split(';')[0]!.trim()))),
    ),
  );
  const boundary = `wcs-${randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-ID: <wcs>\r\n\r\n${coverages}\r\n` +
    `--${boundary}\r\nContent-Type: ${file.contentType}\r\nContent-Description: coverage data\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <${cid}>\r\nContent-Disposition: inline; filename="${file.filename}"\r\n\r\n`;
  return {
    contentType: `multipart/related; type="text/xml"; start="<wcs>"; boundary="${boundary}"`,
    body: Buffer.concat([Buffer.from(head, 'utf8'), file.body, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
  };
}

function offeredOrWgs84(text: string, offered: readonly CrsDefinition[], locator: string): CrsDefinition {
  // A bounding box may be given in WGS 84 whatever the coverage's CRSs.
  const wgs84 = [crsDefinition('OGC:CRS84'), crsDefinition('EPSG:4326')].filter((c) => !offered.some((o) => o.id === c.id));
  return requestCrs(text, [...offered, ...wgs84], (m) => fail11(locator, m));
}

export async function getCoverage11(request: GetCoverage11Request, env: WcsEnv): Promise<WcsResponse> {
  const d = await env.coverages.get(request.identifier, env.subject);
  if (!d) throw wcs11Exception('InvalidParameterValue', `No coverage '${request.identifier}' is offered`, 'identifier');
  const format = formatOf(request.format);
  if (!format) throw wcs11Exception('InvalidParameterValue', `Format '${request.format}' is not offered; formats are ${FORMATS_1.map((f) => f.mimeType).join(', ')}`, 'format');
  if (request.gridCs !== undefined && !/:Grid2dSquareCS$/i.test(request.gridCs)) {
    throw wcs11Exception('InvalidParameterValue', `GridCS '${request.gridCs}' is not offered; use ${GRID.squareCs}`, 'GridCS');
  }
  const offered = coverageCrsList(d, env.offeredCrs);
  const bboxCrsText = request.bboxCrs ?? DEFAULT_BBOX_CRS;
  const bboxCrs = offeredOrWgs84(bboxCrsText, offered, 'BoundingBox');
  const [a, b, c, e] = request.bbox;
  const lower = xyOf([a, b], bboxCrsText);
  const upper = xyOf([c, e], bboxCrsText);
  const gridBaseCrs = request.gridBaseCrs === undefined ? undefined : requestCrs(request.gridBaseCrs, offered, (m) => fail11('GridBaseCRS', m));
  const baseIdentifier = request.gridBaseCrs ?? crsDefinition(d.grid.crs).urn;
  if (request.gridOrigin !== undefined && request.gridOrigin.length !== 2) throw wcs11Exception('InvalidParameterValue', `GridOrigin has two values; got ${request.gridOrigin.length}`, 'GridOrigin');
  const origin = request.gridOrigin === undefined ? undefined : xyOf(request.gridOrigin, baseIdentifier);
  const offsets = gridStepsOf(request, baseIdentifier);
  const range = rangeSubsetOf(request.rangeSubset, d);
  let resampling: Resampling = 'nearest';
  if (range.interpolation !== undefined) {
    const r = resamplingOf(range.interpolation);
    if (!r) throw wcs11Exception('InvalidParameterValue', `Interpolation '${range.interpolation}' is not offered; methods are ${INTERPOLATIONS_11.join(', ')}`, 'RangeSubset');
    resampling = r;
  }
  const time = request.timeSequence === undefined ? undefined : timeRangeOf(request.timeSequence, d, 'TimeSequence', fail11);
  const target = grid11(
    d,
    { bboxCrs, bbox: [Math.min(lower[0], upper[0]), Math.min(lower[1], upper[1]), Math.max(lower[0], upper[0]), Math.max(lower[1], upper[1])], gridBaseCrs, origin, offsets },
    fail11,
  );
  checkGridLimits(target, range.bands?.length ?? d.bands.length, env.coverages.limits, fail11, request.gridOffsets ? 'GridOffsets' : 'BoundingBox');
  const out = await encodeCoverage(env, d, { target, bands: range.bands, time, resampling, format }, (code, message) => wcs11ErrorOfCoverage(code, message));
  const filename = out.filename ?? `${d.id}.${format.extension}`;
  const parts = multipart(d, { body: out.body, contentType: out.contentType || format.mimeType, filename });
  return { contentType: parts.contentType, body: parts.body };
}
