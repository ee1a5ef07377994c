/**
 * GetCoverage results as GML (GMLCOV 1.0): a gmlcov:RectifiedGridCoverage whose range set is
 * either the cell values (gml:DataBlock tupleList, for application/gml+xml) or a reference to
 * the encoded file of a multipart/related response (gml:File, GMLCOV §10).
 */
import { randomBytes } from 'node:crypto';
import { el, serializeXml, type XmlElement } from '../../core/ows/index.js';
import type { BandDescription, Bbox, CoverageDescription, Grid, Raster } from '../coverages/types.js';
import { crsAxes, type CrsAxes } from './axes.js';
import { WCS_CONFORMANCE } from './conformance.js';
import { boundedByXml, coverageFunctionXml, domainSetXml, num, rangeTypeXml } from './gml.js';
import { wcsNamespaceAttrs, WCS_SCHEMA_LOCATION } from './namespaces.js';
import type { CoveragePlan } from './plan.js';

export function gridBbox(grid: Grid): Bbox {
  const [t0, t1, , t3, , t5] = grid.transform;
  const xs = [t0, t0 + grid.width * t1];
  const ys = [t3, t3 + grid.height * t5];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function coverageXml(id: string, axes: CrsAxes, grid: Grid, bands: readonly BandDescription[], rangeSet: XmlElement): XmlElement {
  return el(
    'gmlcov:RectifiedGridCoverage',
    { ...wcsNamespaceAttrs(), 'xsi:schemaLocation': WCS_SCHEMA_LOCATION.wcs, 'gml:id': id },
    boundedByXml(axes, gridBbox(grid)),
    domainSetXml(id, axes, grid),
    rangeSet,
    coverageFunctionXml(axes),
    rangeTypeXml(bands),
  );
}

function sampleText(v: number): string {
  return Number.isNaN(v) ? 'NaN' : num(v);
}

/** The cell values, row-major (the order coverageFunctionXml declares), bands comma-separated. */
function tupleList(raster: Raster): string {
  const tuples: string[] = new Array(raster.width * raster.height);
  const nodata = raster.nodata;
  for (let i = 0; i < tuples.length; i++) {
    const masked = raster.mask !== undefined && raster.mask[i] === 0 && nodata !== undefined;
    tuples[i] = raster.bands.map((band) => sampleText(masked ? nodata! : band[i]!)).join(',');
  }
  return tuples.join(' ');
}

export function selectedBands(d: CoverageDescription, plan: CoveragePlan): BandDescription[] {
  return plan.bands ? plan.bands.map((i) => d.bands[i]!) : d.bands;
}

export function gmlCoverageDocument(d: CoverageDescription, plan: CoveragePlan, raster: Raster): string {
  const rangeSet = el('gml:rangeSet', null, el('gml:DataBlock', null, el('gml:rangeParameters'), el('gml:tupleList', { cs: ',', ts: ' ' }, tupleList(raster))));
  return serializeXml(coverageXml(d.id, crsAxes(plan.outputCrs), plan.target, selectedBands(d, plan), rangeSet));
}

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** multipart/related: the GML coverage first, referring by Content-ID to the encoded file after it. */
export function multipartCoverage(d: CoverageDescription, plan: CoveragePlan, file: { body: Buffer; contentType: string; filename: string }): MultipartBody {
  const cid = `coverage/${file.filename}`;
  const rangeSet = el(
    'gml:rangeSet',
    null,
    el(
      'gml:File',
      null,
      el('gml:rangeParameters', { 'xlink:arcrole': 'fileReference', 'xlink:href': `cid:${cid}`, 'xlink:role': file.contentType.startsWith('image/tiff') ? WCS_CONFORMANCE.geotiff : undefined }),
      el('gml:fileReference', null, `cid:${cid}`),
      el('gml:fileStructure'),
      el('gml:mimeType', null, file.contentType.split(';')[0]!.trim()),
    ),
  );
  const gml = serializeXml(coverageXml(d.id, crsAxes(plan.outputCrs), plan.target, selectedBands(d, plan), rangeSet));
  const boundary = `wcs-${randomBytes(12).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Type: application/gml+xml; charset=UTF-8\r\nContent-ID: <coverage.gml>\r\n\r\n${gml}\r\n--${boundary}\r\nContent-Type: ${file.contentType}\r\nContent-ID: <${cid}>\r\nContent-Disposition: attachment; filename="${file.filename}"\r\nContent-Transfer-Encoding: binary\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  return {
    contentType: `multipart/related; boundary=${boundary}; type="application/gml+xml"; start="<coverage.gml>"`,
    body: Buffer.concat([Buffer.from(head, 'utf8'), file.body, Buffer.from(tail, 'utf8')]),
  };
}
