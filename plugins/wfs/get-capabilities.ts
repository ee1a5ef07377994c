/**
 * GetCapabilities (WFS 2.0 §8 on OWS Common 1.1, 1.1.0 §13 on OWS 1.0): the feature types the
 * subject may read with their CRSs, output formats and WGS 84 boxes, the operations and (2.0)
 * the service constraints, and the filter capabilities this service really evaluates.
 */
import {
  checkUpdateSequence,
  el,
  invalidParameterValue,
  operationsMetadataXml,
  parseSections,
  serializeXml,
  serviceIdentificationXml,
  serviceProviderFromConfig,
  serviceProviderXml,
  wgs84BoundingBoxXml,
  type XmlElement,
} from '../../core/ows/index.js';
import type { CollectionDescription } from '../features/types.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { defaultCrsName, otherCrsNames } from './crs.js';
import { filterCapabilities11, filterCapabilities20 } from '../../core/filter/index.js';
import { lockingOffered, operationsMetadata, serviceConstraints } from './operations.js';
import { featureFormats } from './output-formats.js';
import type { GetCapabilitiesRequest } from './requests.js';
import { NS, PROFILES, WFS_VERSIONS, type WfsVersion } from './versions.js';

const SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'FeatureTypeList', 'Filter_Capabilities'];

function serviceProvider(env: WfsEnv, version: WfsVersion): XmlElement {
  const p = env.config.provider;
  return serviceProviderXml(serviceProviderFromConfig(p, version === '2.0.0' ? 'pointOfContact' : undefined), PROFILES[version].ows);
}

function featureType(c: CollectionDescription, env: WfsEnv, version: WfsVersion): XmlElement {
  const is2 = version === '2.0.0';
  const crsElement = is2 ? 'wfs:DefaultCRS' : 'wfs:DefaultSRS';
  const otherElement = is2 ? 'wfs:OtherCRS' : 'wfs:OtherSRS';
  return el(
    'wfs:FeatureType',
    null,
    el('wfs:Name', null, env.types.qname(c)),
    el('wfs:Title', null, c.title || c.id),
    c.description && el('wfs:Abstract', null, c.description),
    c.keywords.length > 0 && el('ows:Keywords', null, c.keywords.map((k) => el('ows:Keyword', null, k))),
    el(crsElement, null, defaultCrsName(c)),
    otherCrsNames(c, env.config.otherCrs).map((name) => el(otherElement, null, name)),
    !is2 && env.config.transactions && el('wfs:Operations', null, ['Query', 'Insert', 'Update', 'Delete', ...(lockingOffered(env.config) ? ['Lock'] : [])].map((o) => el('wfs:Operation', null, o))),
    el('wfs:OutputFormats', null, featureFormats(version).map((f) => el('wfs:Format', null, f))),
    c.bbox && wgs84BoundingBoxXml(c.bbox),
  );
}

export async function getCapabilities(request: GetCapabilitiesRequest, version: WfsVersion, env: WfsEnv): Promise<WfsResponse> {
  const profile = PROFILES[version];
  const sections = parseSections(request.sections, SECTIONS, 'Sections');
  const formats = (request.acceptFormats ?? []).map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
  if (formats.length > 0 && !formats.some((f) => f === 'text/xml' || f === 'application/xml')) {
    throw invalidParameterValue('AcceptFormats', 'Capabilities are written as text/xml only');
  }
  checkUpdateSequence(request.updateSequence, undefined, { style: 'ows', locator: 'updateSequence' });
  const is2 = version === '2.0.0';
  const collections = sections.has('FeatureTypeList') ? await env.types.all() : [];
  const ns = env.types.namespace;
  const root = el(
    'wfs:WFS_Capabilities',
    {
      'xmlns:wfs': profile.wfsNs,
      'xmlns:ows': profile.owsNs,
      [`xmlns:${profile.fesPrefix}`]: profile.fesNs,
      'xmlns:gml': profile.gmlNs,
      'xmlns:xlink': NS.xlink,
      'xmlns:xsi': NS.xsi,
      [`xmlns:${ns.prefix}`]: ns.uri,
      'xsi:schemaLocation': `${profile.wfsSchema}${is2 ? ` ${profile.owsSchema}` : ''}`,
      version,
    },
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: env.config.title,
          abstract: env.config.abstract,
          keywords: env.config.keywords,
          serviceType: 'WFS',
          serviceTypeVersions: [...WFS_VERSIONS].reverse(),
          fees: env.config.fees,
          accessConstraints: env.config.accessConstraints,
        },
        profile.ows,
      ),
    sections.has('ServiceProvider') && serviceProvider(env, version),
    sections.has('OperationsMetadata') &&
      operationsMetadataXml(
        {
          operations: operationsMetadata(version, env.config, env.baseUrl),
          parameters: is2 ? [{ name: 'version', values: ['2.0.0', '1.1.0'] }] : undefined,
          constraints: is2 ? serviceConstraints(env.config) : undefined,
        },
        profile.ows,
      ),
    // An empty FeatureTypeList is not valid (FeatureType is required): none visible, none written.
    sections.has('FeatureTypeList') && collections.length > 0 && el('wfs:FeatureTypeList', null, collections.map((c) => featureType(c, env, version))),
    // 1.1.0's schema requires Filter_Capabilities; 2.0 writes it when asked.
    (!is2 || sections.has('Filter_Capabilities')) && (is2 ? filterCapabilities20('ows') : filterCapabilities11()),
  );
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(root) };
}
