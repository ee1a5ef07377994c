/**
 * The capabilities document of WMS 1.3.0 (WMS_Capabilities, capabilities_1_3_0.xsd, with the
 * SLD 1.1 GetLegendGraphic operation of sld_capabilities.xsd) and of WMS 1.1.1
 * (WMT_MS_Capabilities, WMS_MS_Capabilities.dtd). The two differ in names (CRS/SRS,
 * EX_GeographicBoundingBox/LatLonBoundingBox, Dimension/Extent), in BoundingBox axis order
 * (1.3.0 follows the CRS: EPSG:4326 is latitude first) and in the formats listed.
 */
import { el, NS, serializeXml, type XmlChild, type XmlElement } from '../../core/ows/index.js';
import { fromXyOrder } from '../../core/ows/index.js';
import { coordinate, type CapabilitiesModel, type CrsExtent, type LayerModel, type StyleModel, type VectorLayerModel } from './capabilities-model.js';
import type { WmsContact } from './config.js';
import type { WmsEnv } from './env.js';
import { IMAGE_FORMATS, INFO_FORMATS } from './formats.js';
import { PROFILES, type WmsVersion } from './versions.js';

const SLD_NS = 'http://www.opengis.net/sld';
const WMS_NS = 'http://www.opengis.net/wms';
const SCHEMA_LOCATION_130 = `${WMS_NS} http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd ${SLD_NS} http://schemas.opengis.net/sld/1.1.0/sld_capabilities.xsd`;
const DOCTYPE_111 = '<!DOCTYPE WMT_MS_Capabilities SYSTEM "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd">';

function onlineResource(href: string): XmlElement {
  return el('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': href });
}

function keywordList(keywords: readonly string[]): XmlElement | undefined {
  return keywords.length > 0 ? el('KeywordList', null, keywords.map((k) => el('Keyword', null, k))) : undefined;
}

/** ContactInformation; its groups are all-or-nothing in both versions, so missing parts are empty. */
function contactInformation(c: WmsContact | undefined): XmlElement | undefined {
  if (!c || Object.values(c).every((v) => v === undefined || v === '')) return undefined;
  const hasAddress = [c.addressType, c.address, c.city, c.stateOrProvince, c.postCode, c.country].some((v) => v);
  return el(
    'ContactInformation',
    null,
    (c.person || c.organization) && el('ContactPersonPrimary', null, el('ContactPerson', null, c.person ?? ''), el('ContactOrganization', null, c.organization ?? '')),
    c.position && el('ContactPosition', null, c.position),
    hasAddress &&
      el(
        'ContactAddress',
        null,
        el('AddressType', null, c.addressType ?? ''),
        el('Address', null, c.address ?? ''),
        el('City', null, c.city ?? ''),
        el('StateOrProvince', null, c.stateOrProvince ?? ''),
        el('PostCode', null, c.postCode ?? ''),
        el('Country', null, c.country ?? ''),
      ),
    c.phone && el('ContactVoiceTelephone', null, c.phone),
    c.fax && el('ContactFacsimileTelephone', null, c.fax),
    c.email && el('ContactElectronicMailAddress', null, c.email),
  );
}

function serviceSection(env: WmsEnv, version: WmsVersion): XmlElement {
  const c = env.config;
  const is130 = version === '1.3.0';
  return el(
    'Service',
    null,
    el('Name', null, is130 ? 'WMS' : 'OGC:WMS'),
    el('Title', null, c.title),
    c.abstract && el('Abstract', null, c.abstract),
    keywordList(c.keywords),
    onlineResource(c.onlineResource ?? env.baseUrl),
    contactInformation(c.contact),
    el('Fees', null, c.fees),
    el('AccessConstraints', null, c.accessConstraints),
    is130 && el('LayerLimit', null, c.layerLimit),
    is130 && el('MaxWidth', null, env.maxWidth),
    is130 && el('MaxHeight', null, env.maxHeight),
  );
}

function operation(name: string, formats: readonly string[], href: string): XmlElement {
  return el(name, null, formats.map((f) => el('Format', null, f)), el('DCPType', null, el('HTTP', null, el('Get', null, onlineResource(href)))));
}

function capabilitySection(env: WmsEnv, version: WmsVersion, model: CapabilitiesModel): XmlElement {
  const href = `${env.baseUrl}?`;
  const images = IMAGE_FORMATS.map(([mime]) => mime);
  const exceptions = PROFILES[version].exceptionFormats;
  return el(
    'Capability',
    null,
    el(
      'Request',
      null,
      operation('GetCapabilities', [PROFILES[version].capabilitiesFormat], href),
      operation('GetMap', images, href),
      operation('GetFeatureInfo', INFO_FORMATS, href),
      operation(version === '1.3.0' ? 'sld:GetLegendGraphic' : 'GetLegendGraphic', images, href),
    ),
    el('Exception', null, [exceptions.xml, exceptions.inimage, exceptions.blank].map((f) => el('Format', null, f))),
    rootLayer(version, env, model),
  );
}

/** A BoundingBox in the version's axis order for its CRS. */
function boundingBox(version: WmsVersion, extent: CrsExtent): XmlElement {
  const [minx, miny, maxx, maxy] = version === '1.3.0' ? fromXyOrder(extent.bbox, extent.crs.ref, 'authority') : extent.bbox;
  const [resx, resy] = version === '1.3.0' && extent.resolution ? fromXyOrder(extent.resolution, extent.crs.ref, 'authority') : (extent.resolution ?? []);
  return el('BoundingBox', {
    [version === '1.3.0' ? 'CRS' : 'SRS']: extent.crs.name,
    minx: coordinate(minx!),
    miny: coordinate(miny!),
    maxx: coordinate(maxx!),
    maxy: coordinate(maxy!),
    resx: resx === undefined ? undefined : coordinate(Math.abs(resx)),
    resy: resy === undefined ? undefined : coordinate(Math.abs(resy)),
  });
}

function geographicBox(version: WmsVersion, b: readonly number[]): XmlElement {
  if (version === '1.1.1') return el('LatLonBoundingBox', { minx: coordinate(b[0]!), miny: coordinate(b[1]!), maxx: coordinate(b[2]!), maxy: coordinate(b[3]!) });
  return el(
    'EX_GeographicBoundingBox',
    null,
    el('westBoundLongitude', null, coordinate(b[0]!)),
    el('eastBoundLongitude', null, coordinate(b[2]!)),
    el('southBoundLatitude', null, coordinate(b[1]!)),
    el('northBoundLatitude', null, coordinate(b[3]!)),
  );
}

/** Dimension (1.3.0: with its extent inside) or Dimension + Extent (1.1.1). */
function timeDimension(version: WmsVersion, layer: LayerModel): XmlChild[] {
  const time = layer.coverage.time;
  if (!time || time.values.length === 0) return [];
  const extent = time.values.join(',');
  const dflt = layer.timeRequired ? undefined : time.default;
  if (version === '1.1.1') {
    return [el('Dimension', { name: 'time', units: 'ISO8601' }), el('Extent', { name: 'time', default: dflt, nearestValue: '0' }, extent)];
  }
  return [el('Dimension', { name: 'time', units: 'ISO8601', default: dflt, multipleValues: '1', nearestValue: '0', current: '0' }, extent)];
}

/**
 * A vector layer's Dimension: its continuous extent `start/end/resolution`, every feature by
 * default (the whole extent), or no default when TIME is required.
 */
function vectorTimeDimension(version: WmsVersion, layer: VectorLayerModel): XmlChild[] {
  const time = layer.time;
  if (!time) return [];
  const dflt = layer.timeRequired ? undefined : `${time.start}/${time.end}`;
  if (version === '1.1.1') {
    return [el('Dimension', { name: 'time', units: 'ISO8601' }), el('Extent', { name: 'time', default: dflt, nearestValue: '0' }, time.extent)];
  }
  return [el('Dimension', { name: 'time', units: 'ISO8601', default: dflt, multipleValues: '1', nearestValue: '0', current: '0' }, time.extent)];
}

function style(version: WmsVersion, env: WmsEnv, s: StyleModel): XmlElement {
  const size = s.legendSize ?? { width: env.config.legendWidth, height: env.config.legendHeight };
  return el(
    'Style',
    null,
    el('Name', null, s.name),
    el('Title', null, s.title),
    s.abstract && el('Abstract', null, s.abstract),
    el('LegendURL', { width: size.width, height: size.height }, el('Format', null, 'image/png'), onlineResource(s.legendUrl)),
  );
}

function coverageLayer(version: WmsVersion, env: WmsEnv, layer: LayerModel): XmlElement {
  const c = layer.coverage;
  const crsElement = version === '1.3.0' ? 'CRS' : 'SRS';
  return el(
    'Layer',
    { queryable: layer.queryable ? '1' : '0', opaque: '0' },
    el('Name', null, c.id),
    el('Title', null, c.title),
    c.abstract && el('Abstract', null, c.abstract),
    keywordList(c.keywords),
    layer.extraCrs.map((crs) => el(crsElement, null, crs.name)),
    geographicBox(version, layer.geographic),
    layer.extents.map((e) => boundingBox(version, e)),
    timeDimension(version, layer),
    layer.styles.map((s) => style(version, env, s)),
  );
}

function vectorLayer(version: WmsVersion, env: WmsEnv, layer: VectorLayerModel): XmlElement {
  const c = layer.collection;
  const crsElement = version === '1.3.0' ? 'CRS' : 'SRS';
  return el(
    'Layer',
    { queryable: layer.queryable ? '1' : '0', opaque: '0' },
    el('Name', null, c.id),
    el('Title', null, c.title),
    c.description && el('Abstract', null, c.description),
    keywordList(c.keywords),
    layer.extraCrs.map((crs) => el(crsElement, null, crs.name)),
    layer.geographic && geographicBox(version, layer.geographic),
    layer.extents.map((e) => boundingBox(version, e)),
    vectorTimeDimension(version, layer),
    layer.styles.map((s) => style(version, env, s)),
  );
}

function rootLayer(version: WmsVersion, env: WmsEnv, model: CapabilitiesModel): XmlElement {
  const crsElement = version === '1.3.0' ? 'CRS' : 'SRS';
  return el(
    'Layer',
    null,
    el('Title', null, model.root.title),
    model.root.abstract && el('Abstract', null, model.root.abstract),
    env.crs.root.map((crs) => el(crsElement, null, crs.name)),
    geographicBox(version, model.root.geographic),
    model.root.extents.map((e) => boundingBox(version, e)),
    model.layers.map((l) => coverageLayer(version, env, l)),
    model.vectorLayers.map((l) => vectorLayer(version, env, l)),
  );
}

/** The whole document, serialised. */
export function capabilitiesXml(env: WmsEnv, version: WmsVersion, model: CapabilitiesModel, updateSequence: string): string {
  if (version === '1.3.0') {
    const root = el(
      'WMS_Capabilities',
      {
        version,
        updateSequence,
        xmlns: WMS_NS,
        'xmlns:xlink': NS.xlink,
        'xmlns:sld': SLD_NS,
        'xmlns:xsi': NS.xsi,
        'xsi:schemaLocation': SCHEMA_LOCATION_130,
      },
      serviceSection(env, version),
      capabilitySection(env, version, model),
    );
    return serializeXml(root);
  }
  const root = el('WMT_MS_Capabilities', { version, updateSequence, 'xmlns:xlink': NS.xlink }, serviceSection(env, version), capabilitySection(env, version, model));
  const body = serializeXml(root, { declaration: false });
  return `<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n${DOCTYPE_111}\n${body}`;
}
