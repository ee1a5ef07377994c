/**
 * A product as an O&M EOP 2.1 observation (OGC 10-157r4): opt:EarthObservation for optical
 * sensors, sar:EarthObservation for radar, eop:EarthObservation otherwise; valid against the
 * eompom/1.1 schemas. Elements the schema makes mandatory but the record lacks are nil (times,
 * footprint) or take the profile's neutral value (acquisitionType OTHER, status ARCHIVED).
 */
import { writeGmlGeometry } from '../../../core/filter/index.js';
import { el, NS, SCHEMA_LOCATION, type XmlElement } from '../../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import type { CatalogueRecord, RecordLink } from '../types.js';
import { ACQUISITION, ACQUISITION_TYPES, enumerated, PROCESSING, SAR_ACQUISITION, SENSOR_TYPES, STATUSES, type EopField } from './eop-fields.js';
import { xmlId } from './iso-common.js';
import type { EncodeOptions } from './types.js';

type Family = 'opt' | 'sar' | 'eop';
const DURATION = /^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

function valueOf(record: CatalogueRecord, key: string): unknown {
  const model = (record as unknown as Record<string, unknown>)[key];
  return model !== undefined ? model : record.properties?.[key];
}

/** One table field as its element, or undefined when the record has no writable value for it. */
function fieldElement(record: CatalogueRecord, f: EopField, overrides: Record<string, unknown> = {}): XmlElement | undefined {
  const raw = f.key in overrides ? overrides[f.key] : valueOf(record, f.key);
  if (raw === undefined || raw === null || raw === '') return undefined;
  const name = `${f.prefix ?? 'eop'}:${f.element}`;
  if (f.kind === 'integer') return typeof raw === 'number' && Number.isInteger(raw) ? el(name, null, raw) : undefined;
  if (typeof f.kind === 'object') return typeof raw === 'number' && Number.isFinite(raw) ? el(name, { uom: f.kind.uom }, raw) : undefined;
  const text = String(raw);
  if (f.kind === 'dateTime') {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? el(name, null, new Date(ms).toISOString()) : undefined;
  }
  if (f.kind === 'duration') return DURATION.test(text) ? el(name, null, text) : undefined;
  const value = enumerated(text, f.values, f.other);
  if (value === undefined) return undefined;
  // Grid cells are gml:CodeWithAuthorityType, whose codeSpace is required; no grid authority is recorded.
  return el(name, f.element.startsWith('wrs') ? { codeSpace: 'urn:ogc:def:wrs' } : null, value);
}

function fields(record: CatalogueRecord, table: readonly EopField[], overrides?: Record<string, unknown>): XmlElement[] {
  return table.map((f) => fieldElement(record, f, overrides)).filter((e): e is XmlElement => e !== undefined);
}

function text(record: CatalogueRecord, key: string): string | undefined {
  const v = valueOf(record, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const SPECTRAL_RANGES = ['OTHER', 'VISIBLE', 'UV', 'INFRARED', 'NEAR-INFRARED'];

/** The sensor's bands from the record's 17-003 waveLengths (flat property), lengths in nanometres. */
function wavelengthInformation(record: CatalogueRecord): XmlElement[] {
  const list = record.properties?.waveLengths;
  if (!Array.isArray(list)) return [];
  const nm = (name: string, v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0 && el(`eop:${name}`, { uom: 'nm' }, v);
  return list.flatMap((w) => {
    if (typeof w !== 'object' || w === null) return [];
    const o = w as Record<string, unknown>;
    const discrete = Array.isArray(o.discreteWavelengths) ? o.discreteWavelengths.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0) : [];
    const range = typeof o.spectralRange === 'string' ? enumerated(o.spectralRange, SPECTRAL_RANGES, true) : undefined;
    const parts = [
      discrete.length > 0 && el('eop:discreteWavelengths', { uom: 'nm' }, discrete.join(' ')),
      nm('endWavelength', o.endWavelength),
      range && el('eop:spectralRange', null, range),
      nm('startWavelength', o.startWavelength),
      nm('wavelengthResolution', o.wavelengthResolution),
    ].filter((e): e is XmlElement => !!e);
    return parts.length > 0 ? [el('eop:wavelengthInformation', null, el('eop:WavelengthInformation', null, parts))] : [];
  });
}

function equipment(record: CatalogueRecord, family: Family): XmlElement {
  const orbitType = text(record, 'orbitType');
  const sensorType = record.sensorType ? enumerated(record.sensorType, SENSOR_TYPES, true) : undefined;
  const acquisition = [...fields(record, ACQUISITION), ...(family === 'sar' ? fields(record, SAR_ACQUISITION) : [])];
  const sensor = [
    sensorType && el('eop:sensorType', null, sensorType),
    text(record, 'operationalMode') && el('eop:operationalMode', null, text(record, 'operationalMode')!),
    record.resolution !== undefined && el('eop:resolution', { uom: 'm' }, record.resolution),
    text(record, 'swathIdentifier') && el('eop:swathIdentifier', null, text(record, 'swathIdentifier')!),
    ...wavelengthInformation(record),
  ].filter((e): e is XmlElement => !!e);
  return el(
    'eop:EarthObservationEquipment',
    { 'gml:id': xmlId('equipment', record.identifier) },
    record.platform &&
      el('eop:platform', null, el('eop:Platform', null,
        el('eop:shortName', null, record.platform),
        record.platformSerialIdentifier && el('eop:serialIdentifier', null, record.platformSerialIdentifier),
        orbitType && ['LEO', 'GEO'].includes(orbitType) && el('eop:orbitType', null, orbitType))),
    record.instrument &&
      el('eop:instrument', null, el('eop:Instrument', null, el('eop:shortName', null, record.instrument), text(record, 'instrumentDescription') && el('eop:description', null, text(record, 'instrumentDescription')!))),
    sensor.length > 0 && el('eop:sensor', null, el('eop:Sensor', null, sensor)),
    acquisition.length > 0 && el('eop:acquisitionParameters', null, el(family === 'sar' ? 'sar:Acquisition' : 'eop:Acquisition', null, acquisition)),
  );
}

/** The footprint's polygons (a MultiSurface is what the profile expects); other geometries have none. */
function polygons(g: GeoJSONGeometry | null | undefined): GeoJSONGeometry | undefined {
  if (!g) return undefined;
  if (g.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [g.coordinates] } as GeoJSONGeometry;
  if (g.type === 'MultiPolygon') return g;
  if (g.type === 'GeometryCollection') {
    const parts = (g.geometries ?? []).map(polygons).filter((p): p is GeoJSONGeometry => p !== undefined);
    return parts.length ? ({ type: 'MultiPolygon', coordinates: parts.flatMap((p) => p.coordinates as unknown[]) } as GeoJSONGeometry) : undefined;
  }
  return undefined;
}

function featureOfInterest(record: CatalogueRecord): XmlElement {
  const surface = polygons(record.geometry);
  const point = record.geometry?.type === 'Point' ? record.geometry : undefined;
  if (!surface && !point) return el('om:featureOfInterest', { nilReason: 'missing' });
  const gml = { srsName: 'EPSG:4326', latLon: true, memberArrays: true };
  return el(
    'om:featureOfInterest',
    null,
    el(
      'eop:Footprint',
      { 'gml:id': xmlId('footprint', record.identifier) },
      surface ? el('eop:multiExtentOf', null, writeGmlGeometry(surface, { ...gml, id: xmlId('extent', record.identifier) })) : el('eop:multiExtentOf', { nilReason: 'inapplicable' }),
      point && el('eop:centerOf', null, writeGmlGeometry(point, { ...gml, id: xmlId('centre', record.identifier) })),
    ),
  );
}

function reference(link: RecordLink): XmlElement {
  return el('ows:ServiceReference', { 'xlink:href': link.href, 'xlink:title': link.title }, link.type && el('ows:Format', null, link.type), el('ows:RequestMessage'));
}

function result(record: CatalogueRecord, family: Family): XmlElement {
  const links = record.links ?? [];
  const percent = (name: string, v: number | undefined) => v !== undefined && el(`opt:${name}`, { uom: '%' }, v);
  const browseType = (l: RecordLink) => enumerated(l.title ?? 'QUICKLOOK', ['ALBUM', 'QUICKLOOK', 'THUMBNAIL']) ?? 'QUICKLOOK';
  return el(
    'om:result',
    null,
    el(
      family === 'opt' ? 'opt:EarthObservationResult' : 'eop:EarthObservationResult',
      { 'gml:id': xmlId('result', record.identifier) },
      links.filter((l) => l.rel === 'icon').map((l) =>
        el('eop:browse', null, el('eop:BrowseInformation', null, el('eop:type', null, browseType(l)), el('eop:referenceSystemIdentifier', { codeSpace: 'EPSG' }, 'epsg:4326'), el('eop:fileName', null, reference(l))))),
      links.filter((l) => l.rel === 'enclosure').map((l, i) =>
        el('eop:product', null, el('eop:ProductInformation', null, el('eop:fileName', null, reference(l)), i === 0 && record.productVersion && el('eop:version', null, record.productVersion)))),
      family === 'opt' && [percent('cloudCoverPercentage', record.cloudCover), percent('snowCoverPercentage', record.snowCover)],
    ),
  );
}

function metaData(record: CatalogueRecord): XmlElement {
  const station = text(record, 'acquisitionStation');
  const archivingCenter = text(record, 'archivingCenter');
  const archivingDate = text(record, 'archivingDate');
  const statusSubType = text(record, 'statusSubType');
  const processing = fields(record, PROCESSING);
  return el(
    'eop:metaDataProperty',
    null,
    el(
      'eop:EarthObservationMetaData',
      null,
      el('eop:identifier', null, record.identifier),
      record.creationDate && el('eop:creationDate', null, record.creationDate),
      record.modificationDate && el('eop:modificationDate', null, record.modificationDate),
      text(record, 'doi') && el('eop:doi', null, text(record, 'doi')!),
      record.parentIdentifier && el('eop:parentIdentifier', null, record.parentIdentifier),
      el('eop:acquisitionType', null, (record.acquisitionType && enumerated(record.acquisitionType, ACQUISITION_TYPES)) ?? 'OTHER'),
      text(record, 'acquisitionSubType') && el('eop:acquisitionSubType', null, text(record, 'acquisitionSubType')!),
      record.productType && el('eop:productType', null, record.productType),
      el('eop:status', null, (record.status && enumerated(record.status, STATUSES, true)) ?? 'ARCHIVED'),
      statusSubType && ['ON-LINE', 'OFF-LINE'].includes(statusSubType) && el('eop:statusSubType', null, statusSubType),
      text(record, 'statusDetail') && el('eop:statusDetail', null, text(record, 'statusDetail')!),
      station && el('eop:downlinkedTo', null, el('eop:DownlinkInformation', null, el('eop:acquisitionStation', null, station))),
      archivingCenter && archivingDate && Number.isFinite(Date.parse(archivingDate)) &&
        el('eop:archivedIn', null, el('eop:ArchivingInformation', null, el('eop:archivingCenter', null, archivingCenter), el('eop:archivingDate', null, new Date(Date.parse(archivingDate)).toISOString()))),
      record.productQualityStatus && ['NOMINAL', 'DEGRADED'].includes(record.productQualityStatus) && el('eop:productQualityStatus', null, record.productQualityStatus),
      record.productQualityDegradationTag && el('eop:productQualityDegradationTag', null, record.productQualityDegradationTag),
      processing.length > 0 && el('eop:processing', null, el('eop:ProcessingInformation', null, processing)),
      text(record, 'productGroupId') && el('eop:productGroupId', null, text(record, 'productGroupId')!),
    ),
  );
}

/** The product as opt:, sar: or eop:EarthObservation by its sensor type. */
export function writeEop21(record: CatalogueRecord, _options: EncodeOptions = {}): XmlElement {
  const sensor = record.sensorType?.toUpperCase();
  const family: Family = sensor === 'OPTICAL' ? 'opt' : sensor === 'RADAR' ? 'sar' : 'eop';
  const namespace = family === 'opt' ? NS.opt21 : family === 'sar' ? NS.sar21 : NS.eop21;
  const location = family === 'opt' ? SCHEMA_LOCATION.opt21 : family === 'sar' ? SCHEMA_LOCATION.sar21 : SCHEMA_LOCATION.eop21;
  // om:resultTime is when the result became available (13-026r9 availabilityTime); mandatory, so nil without it.
  const resultTime = record.availabilityTime;
  return el(
    `${family}:EarthObservation`,
    {
      'xmlns:eop': NS.eop21,
      ...(family === 'eop' ? {} : { [`xmlns:${family}`]: namespace }),
      'xmlns:om': NS.om20,
      'xmlns:gml': NS.gml32,
      'xmlns:ows': NS.ows20,
      'xmlns:xlink': NS.xlink,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': `${namespace} ${location}`,
      'gml:id': xmlId('eo', record.identifier),
    },
    record.start !== undefined
      ? el('om:phenomenonTime', null, el('gml:TimePeriod', { 'gml:id': xmlId('phenomenon', record.identifier) }, el('gml:beginPosition', null, record.start), record.openEnd ? el('gml:endPosition', { indeterminatePosition: 'unknown' }) : el('gml:endPosition', null, record.end ?? record.start)))
      : el('om:phenomenonTime', { nilReason: 'missing' }),
    resultTime !== undefined
      ? el('om:resultTime', null, el('gml:TimeInstant', { 'gml:id': xmlId('resultTime', record.identifier) }, el('gml:timePosition', null, resultTime)))
      : el('om:resultTime', { nilReason: 'missing' }),
    el('om:procedure', null, equipment(record, family)),
    el('om:observedProperty', { nilReason: 'inapplicable' }),
    featureOfInterest(record),
    result(record, family),
    metaData(record),
  );
}
