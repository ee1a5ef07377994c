/**
 * Earth Observation Metadata profile of O&M (OGC 10-157r4, EOP 2.1; EOP 2.0 of 10-157r3 is read
 * too): products as opt:/sar:/eop:EarthObservation (alt, atm, lmb and ssp are read as well).
 * Footprints are latitude, longitude pairs as the profile prescribes, whatever the srsName says.
 */
import { BadRequest } from '../../../core/errors.js';
import { NS, type XmlDomElement } from '../../../core/ows/index.js';
import type { CatalogueRecordInput, RecordLink } from '../types.js';
import { ACQUISITION, PROCESSING, SAR_ACQUISITION, unenumerated, type EopField } from './eop-fields.js';
import { writeEop21 } from './eop21-write.js';
import { nanometresPer, prune } from './iso-common.js';
import type { DecodeOptions, MetadataDocument, MetadataFormat } from './types.js';
import { attribute, gmlGeometry, gmlTime, hasRoot, invalidRecord, isoInstant, rootElement, XmlReader } from './xml-read.js';

const SENSOR_PREFIXES = ['eop', 'opt', 'sar', 'alt', 'atm', 'lmb', 'ssp'] as const;

/** The namespaces of one EOP version: http://www.opengis.net/{eop,opt,sar...}/{2.0,2.1}. */
function versionNamespaces(version: '2.0' | '2.1'): Record<string, string> {
  return Object.fromEntries(SENSOR_PREFIXES.map((p) => [p, `http://www.opengis.net/${p}/${version}`]));
}

const ROOTS = (['2.1', '2.0'] as const).flatMap((v) => SENSOR_PREFIXES.map((p) => ({ namespace: `http://www.opengis.net/${p}/${v}`, localName: 'EarthObservation' })));

/** Sensor-specific profiles substitute their own element for eop's (alt:Footprint, lmb:acquisitionParameters). */
const any = (localName: string) => `*[local-name()='${localName}']`;

function readerFor(root: XmlDomElement): XmlReader {
  const version = root.namespace()?.href().endsWith('/2.0') ? '2.0' : '2.1';
  return new XmlReader({ ...versionNamespaces(version), om: NS.om20, gml: NS.gml32, gml31: NS.gml, ows: NS.ows20, xlink: NS.xlink });
}

/** One field's value as the record holds it: a number for integers and measures, text otherwise. */
function fieldValue(r: XmlReader, ctx: XmlDomElement, f: EopField): string | number | undefined {
  const path = `${f.prefix ?? 'eop'}:${f.element}`;
  if (f.kind === 'integer' || typeof f.kind === 'object') return r.number(ctx, path, `eop:${f.element}`);
  const text = r.value(ctx, path);
  if (text === undefined) return undefined;
  if (f.kind === 'dateTime') return isoInstant(text, `eop:${f.element}`);
  return f.values ? unenumerated(text) : text;
}

function readFields(r: XmlReader, ctx: XmlDomElement | undefined, fields: readonly EopField[], out: Record<string, unknown>): void {
  if (!ctx) return;
  for (const f of fields) {
    const v = fieldValue(r, ctx, f);
    if (v !== undefined) out[f.key] = v;
  }
}

/** Model fields of CatalogueRecordInput the tables fill; every other key goes to properties. */
const MODEL_KEYS = new Set(['orbitNumber', 'orbitDirection', 'polarisationChannels', 'processingLevel']);

function referenceLinks(r: XmlReader, ctx: XmlDomElement, path: string, rel: string, title?: (el: XmlDomElement) => string | undefined): RecordLink[] {
  return r.all(ctx, path).flatMap((info) => {
    const ref = r.first(info, 'eop:fileName/ows:ServiceReference');
    const href = ref && attribute(ref, 'href');
    if (!ref || !href) return [];
    const type = r.value(ref, 'ows:Format');
    const label = attribute(ref, 'title') ?? title?.(info);
    return [{ href, rel, ...(type ? { type } : {}), ...(label ? { title: label } : {}) }];
  });
}

/**
 * The sensor's eop:wavelengthInformation as 17-003 WavelengthInformation objects (the same
 * members), lengths in nanometres; a length in a unit other than a length is left out.
 */
function wavelengthsOf(r: XmlReader, sensor: XmlDomElement | undefined): Array<Record<string, unknown>> | undefined {
  if (!sensor) return undefined;
  const out = r.all(sensor, 'eop:wavelengthInformation/eop:WavelengthInformation').map((w) => {
    const o: Record<string, unknown> = {};
    const length = (name: string) => {
      const e = r.first(w, `eop:${name}`);
      const factor = e ? nanometresPer(attribute(e, 'uom') ?? 'nm') : undefined;
      const n = e && factor !== undefined ? r.number(w, `eop:${name}`, `eop:${name}`) : undefined;
      return n === undefined ? undefined : n * factor!;
    };
    const discrete = r.first(w, 'eop:discreteWavelengths');
    const factor = discrete ? nanometresPer(attribute(discrete, 'uom') ?? 'nm') : undefined;
    const list = discrete && factor !== undefined ? (r.value(w, 'eop:discreteWavelengths') ?? '').trim().split(/\s+/).map(Number).filter((n) => Number.isFinite(n) && n > 0) : [];
    if (list.length > 0) o.discreteWavelengths = list.map((n) => n * factor!);
    for (const name of ['startWavelength', 'endWavelength', 'wavelengthResolution']) {
      const v = length(name);
      if (v !== undefined) o[name] = v;
    }
    const range = r.value(w, 'eop:spectralRange');
    if (range) o.spectralRange = unenumerated(range);
    return o;
  }).filter((o) => Object.keys(o).length > 0);
  return out.length > 0 ? out : undefined;
}

function readEop(root: XmlDomElement, content: string, options: DecodeOptions): CatalogueRecordInput {
  const r = readerFor(root);
  // EOP 2.0's ssp profile spells it EarthObservationMetadata.
  const meta = r.first(root, `eop:metaDataProperty/*[local-name()='EarthObservationMetaData' or local-name()='EarthObservationMetadata']`);
  const identifier = meta && r.value(meta, 'eop:identifier');
  if (!meta || !identifier) throw invalidRecord('EarthObservation has no eop:metaDataProperty/eop:EarthObservationMetaData/eop:identifier', 'eop:identifier');

  const equipment = r.first(root, `om:procedure/${any('EarthObservationEquipment')}`);
  const platform = equipment && r.first(equipment, `${any('platform')}/eop:Platform`);
  const instrument = equipment && r.first(equipment, `${any('instrument')}/eop:Instrument`);
  const sensor = equipment && r.first(equipment, `${any('sensor')}/${any('Sensor')}`);
  const acquisition = equipment && r.first(equipment, `${any('acquisitionParameters')}/*`);
  const result = r.first(root, 'om:result/*');
  const processing = r.first(meta, 'eop:processing/eop:ProcessingInformation');

  const fields: Record<string, unknown> = {};
  readFields(r, acquisition, ACQUISITION, fields);
  readFields(r, acquisition, SAR_ACQUISITION, fields);
  readFields(r, processing, PROCESSING, fields);
  const model = Object.fromEntries(Object.entries(fields).filter(([k]) => MODEL_KEYS.has(k)));
  const extra = Object.fromEntries(Object.entries(fields).filter(([k]) => !MODEL_KEYS.has(k)));

  const time = r.first(root, 'om:phenomenonTime/*');
  const resultTime = r.first(root, 'om:resultTime/gml:TimeInstant');
  // Altimetry and limb profiles may give only a nominal track.
  const footprint = r.first(root, `om:featureOfInterest/${any('Footprint')}/eop:multiExtentOf/*`) ?? r.first(root, `om:featureOfInterest/${any('Footprint')}/${any('nominalTrack')}/*`);
  const centre = r.first(root, `om:featureOfInterest/${any('Footprint')}/eop:centerOf/*`);
  // The profile fixes latitude, longitude order for every footprint, whatever srsName spells.
  const geometry = footprint ? gmlGeometry(footprint, 'eop:multiExtentOf', { axisOrder: 'authority', defaultCrs: 'EPSG:4326' }) : centre ? gmlGeometry(centre, 'eop:centerOf', { axisOrder: 'authority', defaultCrs: 'EPSG:4326' }) : undefined;
  const sensorType = sensor ? r.value(sensor, 'eop:sensorType') : undefined;
  const measure = (path: string, locator: string) => (result ? r.number(result, path, locator) : undefined);

  const links = result
    ? [
        ...referenceLinks(r, result, 'eop:product/eop:ProductInformation', 'enclosure'),
        ...referenceLinks(r, result, 'eop:browse/eop:BrowseInformation', 'icon', (b) => r.value(b, 'eop:type')),
      ]
    : [];

  const archived = r.first(meta, 'eop:archivedIn/eop:ArchivingInformation');
  const record: CatalogueRecordInput = {
    identifier,
    type: 'product',
    parentIdentifier: r.value(meta, 'eop:parentIdentifier') ?? options.parentIdentifier,
    geometry,
    ...(time ? gmlTime(r, time) : {}),
    platform: platform ? r.value(platform, 'eop:shortName') : undefined,
    platformSerialIdentifier: platform ? r.value(platform, 'eop:serialIdentifier') : undefined,
    instrument: instrument ? r.value(instrument, 'eop:shortName') : undefined,
    sensorType: sensorType ? unenumerated(sensorType) : undefined,
    resolution: sensor ? r.number(sensor, 'eop:resolution', 'eop:resolution') : undefined,
    ...model,
    cloudCover: measure("*[local-name()='cloudCoverPercentage']", 'cloudCoverPercentage'),
    snowCover: measure("*[local-name()='snowCoverPercentage']", 'snowCoverPercentage'),
    acquisitionType: r.value(meta, 'eop:acquisitionType'),
    productType: r.value(meta, 'eop:productType'),
    status: r.value(meta, 'eop:status'),
    creationDate: isoInstant(r.value(meta, 'eop:creationDate'), 'eop:creationDate'),
    // The time the result became available: om:resultTime (13-026r9's availabilityTime).
    availabilityTime: resultTime ? isoInstant(r.value(resultTime, 'gml:timePosition'), 'om:resultTime') : undefined,
    productQualityStatus: r.value(meta, 'eop:productQualityStatus') ?? r.value(meta, 'eop:imageQualityStatus'),
    productQualityDegradationTag: r.value(meta, 'eop:productQualityDegradationTag') ?? r.value(meta, 'eop:imageQualityDegradationTag'),
    productVersion: result ? r.value(result, 'eop:product/eop:ProductInformation/eop:version') : undefined,
    modificationDate: isoInstant(r.value(meta, 'eop:modificationDate'), 'eop:modificationDate'),
    links,
    owner: options.owner,
    metadata: { format: 'eop21', content },
    properties: {
      ...extra,
      orbitType: platform ? r.value(platform, 'eop:orbitType') : undefined,
      instrumentDescription: instrument ? r.value(instrument, 'eop:description') : undefined,
      operationalMode: sensor ? r.value(sensor, 'eop:operationalMode') : undefined,
      swathIdentifier: sensor ? r.value(sensor, 'eop:swathIdentifier') : undefined,
      doi: r.value(meta, 'eop:doi'),
      acquisitionSubType: r.value(meta, 'eop:acquisitionSubType'),
      statusSubType: r.value(meta, 'eop:statusSubType'),
      statusDetail: r.value(meta, 'eop:statusDetail'),
      acquisitionStation: r.value(meta, 'eop:downlinkedTo/eop:DownlinkInformation/eop:acquisitionStation'),
      archivingCenter: archived ? r.value(archived, 'eop:archivingCenter') : undefined,
      archivingDate: archived ? isoInstant(r.value(archived, 'eop:archivingDate'), 'eop:archivingDate') : undefined,
      productGroupId: r.value(meta, 'eop:productGroupId'),
      waveLengths: wavelengthsOf(r, sensor),
    },
  };
  return prune(record);
}

export const eop21Format: MetadataFormat = {
  name: 'eop21',
  title: 'O&M Earth Observation profile (OGC 10-157r4, EOP 2.1)',
  mediaType: 'application/gml+xml',
  schema: NS.eop21,
  detect: (doc: MetadataDocument) => hasRoot(doc, ROOTS),
  decode(doc, options) {
    const root = rootElement(doc, ROOTS, 'eop:EarthObservation');
    return [readEop(root, doc.text, options)];
  },
  toXml(record, options) {
    if (record.type !== 'product') {
      throw new BadRequest(`Record '${record.identifier}' is a ${record.type}: O&M EOP describes products only`, { code: 'InvalidParameterValue', locator: 'format' });
    }
    return writeEop21(record, options);
  },
};
