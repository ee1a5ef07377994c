/**
 * WCS 1.0.0 DescribeCoverage (§8): a CoverageOffering per coverage, in the order asked (all the
 * subject may read without COVERAGE).
 *
 * - domainSet/spatialDomain: gml:Envelope in the native CRS (and, for other native CRSs, in
 *   EPSG:4326 too, which QGIS uses as the extent when asked for that CRS), x/y order and outer
 *   cell edges; gml:RectifiedGrid with srsName, limits (columns then rows), axisName x and y, the
 *   origin at the centre of the first cell (GML grid points are cell centres; GDAL reads it so)
 *   and one offset vector per grid axis.
 * - domainSet/temporalDomain: every instant of a series (gml:timePosition, GDAL reads the last as
 *   its default), or its first and last as a timePeriod beyond MAX_TIME_POSITIONS.
 * - rangeSet: one RangeSet (`contents`) whose AxisDescription `Band` has the keys 1..n, and the
 *   nodata values as nullValues.
 * - supportedCRSs: the native CRS and the configured ones, one per requestResponseCRSs;
 *   supportedFormats GeoTIFF (native), PNG, JPEG; supportedInterpolations.
 */
import { el, serializeXml, type XmlElement } from '../../../../core/ows/index.js';
import type { CoverageDescription } from '../../../coverages/types.js';
import { crsDefinition } from '../../axes.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { num } from '../../gml.js';
import { BAND_AXIS, bandKeys, RANGE_FIELD } from '../bands.js';
import { coverageCrsList, crs10Id } from '../crs.js';
import { FORMATS_1 } from '../formats.js';
import { INTERPOLATIONS_10 } from '../interpolation.js';
import { extentIn } from '../target-grid.js';
import { temporalDomainOf } from '../time.js';
import { XML_10_CONTENT_TYPE } from './capabilities.js';
import { coverageBriefContent } from './brief.js';
import { fail10, wcs10Exception } from './exceptions.js';
import { wcs10RootAttrs, WCS10_SCHEMAS } from './namespaces.js';
import type { DescribeCoverage10Request } from './requests.js';

function envelopeXml(srsName: string, box: readonly number[]): XmlElement {
  return el('gml:Envelope', { srsName }, el('gml:pos', null, `${num(box[0]!)} ${num(box[1]!)}`), el('gml:pos', null, `${num(box[2]!)} ${num(box[3]!)}`));
}

function spatialDomainXml(d: CoverageDescription): XmlElement {
  const native = crsDefinition(d.grid.crs);
  const wgs84 = crsDefinition('EPSG:4326');
  const [t0, t1, t2, t3, t4, t5] = d.grid.transform;
  return el(
    'spatialDomain',
    null,
    envelopeXml(crs10Id(native), d.bbox),
    native.id !== wgs84.id && envelopeXml(crs10Id(wgs84), extentIn(d, wgs84, fail10, 'COVERAGE')),
    el(
      'gml:RectifiedGrid',
      { dimension: 2, srsName: crs10Id(native) },
      el('gml:limits', null, el('gml:GridEnvelope', null, el('gml:low', null, '0 0'), el('gml:high', null, `${d.grid.width - 1} ${d.grid.height - 1}`))),
      el('gml:axisName', null, 'x'),
      el('gml:axisName', null, 'y'),
      el('gml:origin', null, el('gml:pos', null, `${num(t0 + t1 / 2 + t2 / 2)} ${num(t3 + t4 / 2 + t5 / 2)}`)),
      el('gml:offsetVector', null, `${num(t1)} ${num(t4)}`),
      el('gml:offsetVector', null, `${num(t2)} ${num(t5)}`),
    ),
  );
}

function temporalDomainXml(d: CoverageDescription): XmlElement | undefined {
  const domain = temporalDomainOf(d);
  if (!domain) return undefined;
  if ('positions' in domain) return el('temporalDomain', null, domain.positions.map((t) => el('gml:timePosition', null, t)));
  return el('temporalDomain', null, el('timePeriod', null, el('beginPosition', null, domain.begin), el('endPosition', null, domain.end)));
}

function nodataText(v: number): string {
  return Number.isNaN(v) ? 'NaN' : num(v);
}

function rangeSetXml(d: CoverageDescription): XmlElement {
  const nodata = [...new Set(d.bands.filter((b) => b.nodata !== undefined).map((b) => nodataText(b.nodata!)))];
  return el(
    'rangeSet',
    null,
    el(
      'RangeSet',
      null,
      el('name', null, RANGE_FIELD),
      el('label', null, d.bands.map((b) => b.name).join(', ')),
      el(
        'axisDescription',
        null,
        el('AxisDescription', null, el('name', null, BAND_AXIS), el('label', null, 'Bands'), el('values', null, bandKeys(d).map((k) => el('singleValue', null, k)))),
      ),
      nodata.length > 0 && el('nullValues', null, nodata.map((v) => el('singleValue', null, v))),
    ),
  );
}

export function coverageOfferingXml(d: CoverageDescription, env: WcsEnv): XmlElement {
  const crsList = coverageCrsList(d, env.offeredCrs);
  return el(
    'CoverageOffering',
    null,
    coverageBriefContent(d),
    el('domainSet', null, spatialDomainXml(d), temporalDomainXml(d)),
    rangeSetXml(d),
    el('supportedCRSs', null, crsList.map((c) => el('requestResponseCRSs', null, crs10Id(c))), el('nativeCRSs', null, crs10Id(crsList[0]!))),
    el('supportedFormats', { nativeFormat: FORMATS_1[0]!.name }, FORMATS_1.map((f) => el('formats', null, f.name))),
    el('supportedInterpolations', { default: INTERPOLATIONS_10[0] }, INTERPOLATIONS_10.map((m) => el('interpolationMethod', null, m))),
  );
}

export async function describeCoverage10(request: DescribeCoverage10Request, env: WcsEnv): Promise<WcsResponse> {
  let descriptions: CoverageDescription[];
  if (request.coverages === undefined) {
    descriptions = await env.coverages.list(env.subject);
  } else {
    if (request.coverages.length === 0) throw wcs10Exception('InvalidParameterValue', 'COVERAGE lists no coverage', 'COVERAGE');
    const found = await Promise.all(request.coverages.map((id) => env.coverages.get(id, env.subject)));
    const missing = request.coverages.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) throw wcs10Exception('CoverageNotDefined', `No coverage ${missing.map((m) => `'${m}'`).join(', ')} is offered`, 'COVERAGE');
    descriptions = found as CoverageDescription[];
  }
  const root = el('CoverageDescription', wcs10RootAttrs(WCS10_SCHEMAS.describeCoverage), descriptions.map((d) => coverageOfferingXml(d, env)));
  return { contentType: XML_10_CONTENT_TYPE, body: serializeXml(root) };
}
