/**
 * The GML 3.2 / GMLCOV 1.0 pieces of coverage documents: envelope, rectified grid, range type.
 *
 * Grid axes follow the CRS's axis order, so for EPSG:4326 the first grid axis is Lat (rows) and
 * the second Long (columns): limits, axisLabels and offsetVectors all list rows first. The
 * gml:GridFunction's sequenceRule (axisOrder "+2 +1") says that the second axis varies fastest,
 * which is how the cells are stored (row-major), and is what GDAL's WCS driver reads to map such
 * a grid onto its raster. East-first CRSs (UTM, CRS84) are columns first with "+1 +2".
 * The origin is the centre of the first cell (GML grid points are cell centres).
 */
import { el, type XmlElement } from '../../core/ows/index.js';
import type { BandDescription, Bbox, Grid, SampleType } from '../coverages/types.js';
import { TIME_AXIS, type CrsAxes } from './axes.js';

/** Shortest text that reads back as the same double. */
export function num(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/** x/y pairs written in the CRS's axis order. */
function inCrsOrder(axes: CrsAxes, x: number, y: number): string {
  return axes.crs.northFirst ? `${num(y)} ${num(x)}` : `${num(x)} ${num(y)}`;
}

export interface TimeExtent {
  begin: string;
  end: string;
}

/** gml:boundedBy with an Envelope (or an EnvelopeWithTimePeriod and a third label for a series). */
export function boundedByXml(axes: CrsAxes, bbox: Bbox, time?: TimeExtent): XmlElement {
  const labels = axes.axes.map((a) => a.label);
  const uoms = axes.axes.map((a) => a.uom);
  const attrs = {
    srsName: axes.uri,
    axisLabels: (time ? [...labels, TIME_AXIS.label] : labels).join(' '),
    uomLabels: (time ? [...uoms, TIME_AXIS.uom] : uoms).join(' '),
    srsDimension: 2,
  };
  const corners = [el('gml:lowerCorner', null, inCrsOrder(axes, bbox[0], bbox[1])), el('gml:upperCorner', null, inCrsOrder(axes, bbox[2], bbox[3]))];
  const envelope = time
    ? el('gml:EnvelopeWithTimePeriod', attrs, corners, el('gml:beginPosition', null, time.begin), el('gml:endPosition', null, time.end))
    : el('gml:Envelope', attrs, corners);
  return el('gml:boundedBy', null, envelope);
}

/** gml:coverageFunction: how the cells are ordered in the range set (see above). */
export function coverageFunctionXml(axes: CrsAxes): XmlElement {
  return el(
    'gml:coverageFunction',
    null,
    el('gml:GridFunction', null, el('gml:sequenceRule', { axisOrder: axes.crs.northFirst ? '+2 +1' : '+1 +2' }, 'Linear'), el('gml:startPoint', null, '0 0')),
  );
}

/** gml:domainSet holding the gml:RectifiedGrid of `grid` (x/y geotransform). */
export function domainSetXml(gmlId: string, axes: CrsAxes, grid: Grid): XmlElement {
  const [t0, t1, t2, t3, t4, t5] = grid.transform;
  const column = inCrsOrder(axes, t1, t4);
  const row = inCrsOrder(axes, t2, t5);
  const rowsFirst = axes.crs.northFirst;
  const high = rowsFirst ? `${grid.height - 1} ${grid.width - 1}` : `${grid.width - 1} ${grid.height - 1}`;
  const originX = t0 + t1 / 2 + t2 / 2;
  const originY = t3 + t4 / 2 + t5 / 2;
  return el(
    'gml:domainSet',
    null,
    el(
      'gml:RectifiedGrid',
      { dimension: 2, 'gml:id': `${gmlId}_grid` },
      el('gml:limits', null, el('gml:GridEnvelope', null, el('gml:low', null, '0 0'), el('gml:high', null, high))),
      el('gml:axisLabels', null, axes.axes.map((a) => a.label).join(' ')),
      el('gml:origin', null, el('gml:Point', { 'gml:id': `${gmlId}_origin`, srsName: axes.uri }, el('gml:pos', null, inCrsOrder(axes, originX, originY)))),
      el('gml:offsetVector', { srsName: axes.uri }, rowsFirst ? row : column),
      el('gml:offsetVector', { srsName: axes.uri }, rowsFirst ? column : row),
    ),
  );
}

/** OGC data type names for swe:Quantity definitions (as MapServer and rasdaman write them). */
const DATA_TYPE: Record<SampleType, string> = {
  uint8: 'unsignedByte',
  int8: 'signedByte',
  uint16: 'unsignedShort',
  int16: 'signedShort',
  uint32: 'unsignedInt',
  int32: 'signedInt',
  float32: 'float32',
  float64: 'float64',
};

const TYPE_RANGE: Record<SampleType, [number, number] | undefined> = {
  uint8: [0, 255],
  int8: [-128, 127],
  uint16: [0, 65535],
  int16: [-32768, 32767],
  uint32: [0, 4294967295],
  int32: [-2147483648, 2147483647],
  float32: undefined,
  float64: undefined,
};

function nilValueText(nodata: number): string {
  return Number.isNaN(nodata) ? 'NaN' : num(nodata);
}

/** gmlcov:rangeType: one swe:field per band, a swe:Quantity with its nil value, unit and value range. */
export function rangeTypeXml(bands: readonly BandDescription[]): XmlElement {
  return el(
    'gmlcov:rangeType',
    null,
    el(
      'swe:DataRecord',
      null,
      bands.map((band) => {
        const range = band.min !== undefined && band.max !== undefined ? [band.min, band.max] : TYPE_RANGE[band.sampleType];
        return el(
          'swe:field',
          { name: band.name },
          el(
            'swe:Quantity',
            { definition: `http://www.opengis.net/def/dataType/OGC/0/${DATA_TYPE[band.sampleType]}` },
            band.description !== undefined && band.description !== '' && el('swe:description', null, band.description),
            band.nodata !== undefined &&
              el('swe:nilValues', null, el('swe:NilValues', null, el('swe:nilValue', { reason: 'http://www.opengis.net/def/nil/OGC/0/missing' }, nilValueText(band.nodata)))),
            el('swe:uom', { code: band.unit && band.unit !== '' ? band.unit : '10^0' }),
            range && el('swe:constraint', null, el('swe:AllowedValues', null, el('swe:interval', null, `${num(range[0]!)} ${num(range[1]!)}`))),
          ),
        );
      }),
    ),
  );
}
