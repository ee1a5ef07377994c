/**
 * WCS 1.1.1 DescribeCoverage (§9): a CoverageDescription per identifier, in the order asked.
 *
 * - Domain/SpatialDomain: BoundingBoxes in urn:ogc:def:crs:OGC::imageCRS (the grid indexes,
 *   0 0 to columns-1 rows-1, which is how QGIS and MapServer count the size), in the native CRS
 *   (authority axis order) and, for other native CRSs, in EPSG:4326, and the WGS 84 box. These
 *   CRS boxes are the cells' outer edges: QGIS takes them as the layer's extent. Then the GridCRS:
 *   GridBaseCRS, GridType 2dSimpleGrid, GridOrigin (the first cell's centre) and GridOffsets (one
 *   step per CRS axis, in its order: -0.01 0.01 for EPSG:4326 rows of 0.01°), GridCS.
 * - Domain/TemporalDomain: a series' instants (gml:timePosition), or its period beyond
 *   MAX_TIME_POSITIONS.
 * - Range: one Field `contents` with the nodata as NullValue, the interpolations, and the axis
 *   `Band` whose keys are 1..n (GDAL's WCS driver reads exactly that) with the data type.
 * - SupportedCRS (native first, URNs) and SupportedFormat (MIME types).
 */
import { boundingBoxXml, el, serializeXml, wgs84BoundingBoxXml, type XmlElement } from '../../../../core/ows/index.js';
import type { CoverageDescription, SampleType } from '../../../coverages/types.js';
import { crsDefinition } from '../../axes.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { num } from '../../gml.js';
import { BAND_AXIS, bandKeys, RANGE_FIELD } from '../bands.js';
import { coverageCrsList, crs11Id, inAuthorityOrder } from '../crs.js';
import { FORMATS_1 } from '../formats.js';
import { INTERPOLATIONS_11 } from '../interpolation.js';
import { extentIn } from '../target-grid.js';
import { temporalDomainOf } from '../time.js';
import { descriptionXml, XML_11_CONTENT_TYPE } from './capabilities.js';
import { fail11, wcs11Exception } from './exceptions.js';
import { GRID, wcs11RootAttrs, WCS11_SCHEMAS } from './namespaces.js';
import type { DescribeCoverage11Request } from './requests.js';

/** GDAL's names of the sample types (ows:DataType of the band axis, which GDAL takes as the band type). */
const GDAL_TYPE: Record<SampleType, string> = {
  uint8: 'Byte',
  int8: 'Int8',
  uint16: 'UInt16',
  int16: 'Int16',
  uint32: 'UInt32',
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
};

function crsBoxXml(crs: ReturnType<typeof crsDefinition>, box: readonly [number, number, number, number]): XmlElement {
  return boundingBoxXml(inAuthorityOrder(crs, box[0], box[1]).map((v) => Number(num(v))), inAuthorityOrder(crs, box[2], box[3]).map((v) => Number(num(v))), crs11Id(crs));
}

function spatialDomainXml(d: CoverageDescription): XmlElement {
  const native = crsDefinition(d.grid.crs);
  const wgs84 = crsDefinition('EPSG:4326');
  const [t0, t1, , t3, , t5] = d.grid.transform;
  const origin = inAuthorityOrder(native, t0 + t1 / 2, t3 + t5 / 2);
  const offsets = inAuthorityOrder(native, t1, t5);
  return el(
    'SpatialDomain',
    null,
    boundingBoxXml([0, 0], [d.grid.width - 1, d.grid.height - 1], GRID.imageCrs),
    crsBoxXml(native, d.bbox),
    native.id !== wgs84.id && crsBoxXml(wgs84, extentIn(d, wgs84, fail11, 'identifiers')),
    wgs84BoundingBoxXml(d.wgs84Bbox),
    el(
      'GridCRS',
      null,
      el('GridBaseCRS', null, crs11Id(native)),
      el('GridType', null, GRID.simple),
      el('GridOrigin', null, origin.map(num).join(' ')),
      el('GridOffsets', null, offsets.map(num).join(' ')),
      el('GridCS', null, GRID.squareCs),
    ),
  );
}

function temporalDomainXml(d: CoverageDescription): XmlElement | undefined {
  const domain = temporalDomainOf(d);
  if (!domain) return undefined;
  if ('positions' in domain) return el('TemporalDomain', null, domain.positions.map((t) => el('gml:timePosition', null, t)));
  return el('TemporalDomain', null, el('TimePeriod', null, el('BeginPosition', null, domain.begin), el('EndPosition', null, domain.end)));
}

function rangeXml(d: CoverageDescription): XmlElement {
  const nodata = [...new Set(d.bands.filter((b) => b.nodata !== undefined).map((b) => (Number.isNaN(b.nodata!) ? 'NaN' : num(b.nodata!))))];
  return el(
    'Range',
    null,
    el(
      'Field',
      null,
      el('ows:Title', null, d.bands.map((b) => b.name).join(', ')),
      el('Identifier', null, RANGE_FIELD),
      el('Definition', null, el('ows:AnyValue')),
      nodata.map((v) => el('NullValue', null, v)),
      el('InterpolationMethods', null, INTERPOLATIONS_11.map((m) => el('InterpolationMethod', null, m)), el('Default', null, INTERPOLATIONS_11[0])),
      el(
        'Axis',
        { identifier: BAND_AXIS },
        el('ows:Title', null, 'Bands'),
        el('AvailableKeys', null, bandKeys(d).map((k) => el('Key', null, k))),
        el('ows:DataType', null, GDAL_TYPE[d.bands[0]?.sampleType ?? 'float32']),
      ),
    ),
  );
}

export function coverageDescription11Xml(d: CoverageDescription, env: WcsEnv): XmlElement {
  return el(
    'CoverageDescription',
    null,
    descriptionXml(d),
    el('Identifier', null, d.id),
    el('Domain', null, spatialDomainXml(d), temporalDomainXml(d)),
    rangeXml(d),
    coverageCrsList(d, env.offeredCrs).map((c) => el('SupportedCRS', null, crs11Id(c))),
    FORMATS_1.map((f) => el('SupportedFormat', null, f.mimeType)),
  );
}

export async function describeCoverage11(request: DescribeCoverage11Request, env: WcsEnv): Promise<WcsResponse> {
  const found = await Promise.all(request.identifiers.map((id) => env.coverages.get(id, env.subject)));
  const missing = request.identifiers.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) throw wcs11Exception('InvalidParameterValue', `No coverage ${missing.map((m) => `'${m}'`).join(', ')} is offered`, 'identifiers');
  const root = el('CoverageDescriptions', wcs11RootAttrs(WCS11_SCHEMAS.describeCoverage), (found as CoverageDescription[]).map((d) => coverageDescription11Xml(d, env)));
  return { contentType: XML_11_CONTENT_TYPE, body: serializeXml(root) };
}
