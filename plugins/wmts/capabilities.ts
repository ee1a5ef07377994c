/**
 * The ServiceMetadata document (OGC 07-057r7 §7.1), the same for KVP GetCapabilities and the
 * RESTful WMTSCapabilities.xml: the layers the subject may read, each linked to the tile matrix
 * sets its data falls in (with TileMatrixSetLimits), its styles, formats, Time dimension and
 * ResourceURL templates, then the sets.
 */
import {
  boundingBoxXml,
  el,
  fromXyOrder,
  negotiateAcceptVersions,
  NS,
  operationsMetadataXml,
  OWS_SECTIONS,
  parseSections,
  serializeXml,
  serviceIdentificationXml,
  serviceProviderFromConfig,
  serviceProviderXml,
  wgs84BoundingBoxXml,
  type OperationInfo,
  type RequestMethod,
  type XmlElement,
} from '../../core/ows/index.js';
import type { Subject } from '../../core/auth/types.js';
import type { CoverageDescription } from '../coverages/types.js';
import type { WmtsConfig } from './config.js';
import type { WmtsEnv, WmtsResponse } from './context.js';
import { INFO_FORMAT_EXTENSIONS, TILE_FORMAT_INFO } from './formats.js';
import type { LayerTiling } from './layer-tiling.js';
import { REST_CAPABILITIES_PATH, TIME_PARAMETER, WMTS_VERSION, type GetCapabilitiesRequest } from './requests.js';
import { styleIdentifiers } from './styles.js';
import type { TileMatrixSet } from './tile-matrix-sets.js';

export const WMTS_NS = 'http://www.opengis.net/wmts/1.0';
const CAPABILITIES_SCHEMA = 'http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd';
// Themes may be asked for; this service has none, so the section is never written.
const SECTIONS = [...OWS_SECTIONS, 'Themes'];

/** Numbers as written in capabilities: the shortest text that reads back to the same double. */
function num(n: number): string {
  return String(n);
}

function serviceProvider(config: WmtsConfig): XmlElement {
  const p = config.provider;
  return serviceProviderXml(serviceProviderFromConfig(p), '1.1.0');
}

function encoding(href: string, value: 'KVP' | 'RESTful'): RequestMethod {
  return { href, constraints: [{ name: 'GetEncoding', values: [value] }] };
}

function operationsMetadata(base: string, config: WmtsConfig): XmlElement {
  const kvp = `${base}?`;
  const rest = `${base}/${WMTS_VERSION}/`;
  const operations: OperationInfo[] = [
    { name: 'GetCapabilities', get: [encoding(kvp, 'KVP'), encoding(`${base}${REST_CAPABILITIES_PATH}`, 'RESTful')] },
    { name: 'GetTile', get: [encoding(kvp, 'KVP'), encoding(rest, 'RESTful')] },
  ];
  if (config.infoFormats.length > 0) operations.push({ name: 'GetFeatureInfo', get: [encoding(kvp, 'KVP'), encoding(rest, 'RESTful')] });
  return operationsMetadataXml({ operations }, '1.1.0');
}

/** Where the layer's tiles are, with `{Style}` and the set's variables left for the client. */
function restTemplate(base: string, layer: CoverageDescription, tail: string): string {
  const time = layer.time ? `/{${TIME_PARAMETER}}` : '';
  return `${base}/${WMTS_VERSION}/${encodeURIComponent(layer.id)}/{Style}${time}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}${tail}`;
}

/** The template of legend URLs: the configured one, else the GetLegendGraphic of a WMS on this platform, else none. */
function legendTemplate(env: WmtsEnv, serverBase: string): string | undefined {
  if (env.config.legendUrl !== undefined) return env.config.legendUrl === '' ? undefined : env.config.legendUrl;
  // The WMS plugin serves the same coverages under the same names, so its legends are these layers'.
  const wms = env.registry?.services().find((s) => s.type === 'WMS' && s.port === undefined);
  if (!wms) return undefined;
  const url = /^[a-z][a-z0-9+.-]*:/i.test(wms.url) ? wms.url : `${serverBase}${wms.url.startsWith('/') ? '' : '/'}${wms.url}`;
  return `${url}?SERVICE=WMS&REQUEST=GetLegendGraphic&VERSION=1.3.0&FORMAT=${encodeURIComponent(env.config.legendFormat)}&LAYER={layer}&STYLE={style}`;
}

function legendUrl(template: string | undefined, base: string, layer: string, style: string): string | undefined {
  if (!template) return undefined;
  const filled = template.replaceAll('{layer}', encodeURIComponent(layer)).replaceAll('{style}', encodeURIComponent(style));
  return new URL(filled, `${base}/`).href;
}

function tileMatrixSetLink(tiling: LayerTiling): XmlElement {
  const limits = tiling.set.matrices
    .map((matrix, index) => [matrix, tiling.limits[index]] as const)
    .filter(([, range]) => range !== undefined)
    .map(([matrix, range]) =>
      el(
        'TileMatrixLimits',
        null,
        el('TileMatrix', null, matrix.id),
        el('MinTileRow', null, range!.minRow),
        el('MaxTileRow', null, range!.maxRow),
        el('MinTileCol', null, range!.minCol),
        el('MaxTileCol', null, range!.maxCol),
      ),
    );
  return el('TileMatrixSetLink', null, el('TileMatrixSet', null, tiling.set.id), limits.length > 0 && el('TileMatrixSetLimits', null, limits));
}

function layerXml(layer: CoverageDescription, tilings: LayerTiling[], env: WmtsEnv, base: string, legends: string | undefined): XmlElement {
  const config = env.config;
  // One ows:BoundingBox per CRS of the linked sets, in that CRS's axis order.
  const boxes = new Map<string, XmlElement>();
  for (const t of tilings) {
    if (boxes.has(t.set.supportedCrs) || !t.extent) continue;
    const [minx, miny, maxx, maxy] = t.extent;
    boxes.set(t.set.supportedCrs, boundingBoxXml(fromXyOrder([minx, miny], t.set.crs, 'authority'), fromXyOrder([maxx, maxy], t.set.crs, 'authority'), t.set.supportedCrs));
  }
  const styles = styleIdentifiers(layer);
  return el(
    'Layer',
    null,
    el('ows:Title', null, layer.title),
    layer.abstract && el('ows:Abstract', null, layer.abstract),
    layer.keywords.length > 0 && el('ows:Keywords', null, layer.keywords.map((k) => el('ows:Keyword', null, k))),
    wgs84BoundingBoxXml(layer.wgs84Bbox),
    el('ows:Identifier', null, layer.id),
    [...boxes.values()],
    styles.map((s) => {
      const legend = legendUrl(legends, base, layer.id, s.engineStyle ?? '');
      return el(
        'Style',
        { isDefault: s.isDefault ? 'true' : 'false' },
        el('ows:Title', null, s.title),
        s.abstract && el('ows:Abstract', null, s.abstract),
        el('ows:Identifier', null, s.identifier),
        legend && el('LegendURL', { format: config.legendFormat, 'xlink:href': legend }),
      );
    }),
    config.formats.map((f) => el('Format', null, f)),
    config.infoFormats.map((f) => el('InfoFormat', null, f)),
    layer.time &&
      el(
        'Dimension',
        null,
        el('ows:Title', null, 'Time'),
        el('ows:Identifier', null, TIME_PARAMETER),
        el('ows:UOM', null, 'ISO8601'),
        el('Default', null, layer.time.default),
        layer.time.values.map((v) => el('Value', null, v)),
      ),
    tilings.map(tileMatrixSetLink),
    config.formats.map((f) => el('ResourceURL', { format: f, resourceType: 'tile', template: restTemplate(base, layer, `.${TILE_FORMAT_INFO[f].extension}`) })),
    config.infoFormats.map((f) => el('ResourceURL', { format: f, resourceType: 'FeatureInfo', template: restTemplate(base, layer, `/{J}/{I}.${INFO_FORMAT_EXTENSIONS[f]}`) })),
  );
}

function tileMatrixSetXml(set: TileMatrixSet): XmlElement {
  return el(
    'TileMatrixSet',
    null,
    el('ows:Title', null, set.title),
    set.abstract && el('ows:Abstract', null, set.abstract),
    el('ows:Identifier', null, set.id),
    el('ows:SupportedCRS', null, set.supportedCrs),
    set.wellKnownScaleSet && el('WellKnownScaleSet', null, set.wellKnownScaleSet),
    set.matrices.map((m) =>
      el(
        'TileMatrix',
        null,
        el('ows:Identifier', null, m.id),
        el('ScaleDenominator', null, num(m.scaleDenominator)),
        el('TopLeftCorner', null, fromXyOrder(m.topLeft, set.crs, 'authority').map(num).join(' ')),
        el('TileWidth', null, m.tileWidth),
        el('TileHeight', null, m.tileHeight),
        el('MatrixWidth', null, m.matrixWidth),
        el('MatrixHeight', null, m.matrixHeight),
      ),
    ),
  );
}

/** Layers of the subject, each with the tilings of the sets its data falls in (layers in none are left out). */
export function linkedLayers(coverages: readonly CoverageDescription[], env: WmtsEnv): Array<{ layer: CoverageDescription; tilings: LayerTiling[] }> {
  return coverages
    .filter((c) => c.kind !== 'granule')
    .map((layer) => ({ layer, tilings: [...env.tilings.tilings(layer).values()].filter((t) => t.extent !== undefined) }))
    .filter((l) => l.tilings.length > 0)
    .sort((a, b) => (a.layer.id < b.layer.id ? -1 : a.layer.id > b.layer.id ? 1 : 0));
}

/** `base` is this service's URL, `serverBase` the platform's public URL (what registry URLs are relative to). */
export function capabilitiesXml(coverages: readonly CoverageDescription[], env: WmtsEnv, base: string, serverBase: string, sections: ReadonlySet<string>): string {
  const config = env.config;
  const legends = legendTemplate(env, serverBase);
  const root = el(
    'Capabilities',
    {
      xmlns: WMTS_NS,
      'xmlns:ows': NS.ows11,
      'xmlns:xlink': NS.xlink,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': `${WMTS_NS} ${CAPABILITIES_SCHEMA}`,
      version: WMTS_VERSION,
    },
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: config.title,
          abstract: config.abstract,
          keywords: config.keywords,
          serviceType: 'OGC WMTS',
          serviceTypeVersions: [WMTS_VERSION],
          fees: config.fees,
          accessConstraints: config.accessConstraints,
        },
        '1.1.0',
      ),
    sections.has('ServiceProvider') && serviceProvider(config),
    sections.has('OperationsMetadata') && operationsMetadata(base, config),
    sections.has('Contents') &&
      el(
        'Contents',
        null,
        linkedLayers(coverages, env).map(({ layer, tilings }) => layerXml(layer, tilings, env, base, legends)),
        env.sets.map(tileMatrixSetXml),
      ),
    el('ServiceMetadataURL', { 'xlink:href': `${base}${REST_CAPABILITIES_PATH}` }),
  );
  return serializeXml(root);
}

const XML_TYPES = ['application/xml', 'text/xml'];

export async function getCapabilities(request: GetCapabilitiesRequest, env: WmtsEnv, subject: Subject, base: string, serverBase: string): Promise<WmtsResponse> {
  negotiateAcceptVersions(request.acceptVersions, [WMTS_VERSION], request.versionLocator ?? 'AcceptVersions');
  const sections = parseSections(request.sections, SECTIONS, 'Sections');
  // OWS 1.1 §7.3.5: a format not offered gets the default one, not an exception.
  const asked = (request.acceptFormats ?? []).map((f) => f.trim().toLowerCase());
  const contentType = asked.find((f) => XML_TYPES.includes(f)) ?? 'application/xml';
  const coverages = await env.coverages.list(subject);
  return {
    contentType: `${contentType}; charset=UTF-8`,
    body: capabilitiesXml(coverages, env, base, serverBase, sections),
    headers: { 'Cache-Control': 'no-cache' },
  };
}
