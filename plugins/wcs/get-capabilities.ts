/**
 * GetCapabilities (WCS 2.0.1 core §8.2 on OWS Common 2.0; EO-WCS §7.2): the service, its
 * extensions (ows:Profile), operations, formats, CRSs and interpolations (ServiceMetadata), and
 * the coverages the subject may read (Contents), with the dataset series in wcs:Extension.
 * The version was negotiated before (index.ts).
 */
import {
  boundingBoxXml,
  checkUpdateSequence,
  el,
  operationsMetadataXml,
  parseSections,
  serializeXml,
  serviceIdentificationXml,
  serviceProviderFromConfig,
  serviceProviderXml,
  wgs84BoundingBoxXml,
  type OperationInfo,
  type ServiceProviderInfo,
  type XmlElement,
} from '../../core/ows/index.js';
import type { CoverageDescription } from '../coverages/types.js';
import { crsAxes, crsDefinition } from './axes.js';
import { INTERPOLATION_URIS, WCS_PROFILES } from './conformance.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { coverageSubtypeXml } from './describe-coverage.js';
import { timePeriodOf, timePeriodXml } from './eo-metadata.js';
import { FORMATS_SUPPORTED } from './formats.js';
import { num } from './gml.js';
import { wcsNamespaceAttrs, WCS_NS, WCS_SCHEMA_LOCATION } from './namespaces.js';
import { PROCESS_COVERAGES, PROCESSING_PROFILES } from './process-coverages.js';
import { OPERATION_NAMES, type GetCapabilitiesRequest } from './requests.js';
import { ADVERTISED_VERSIONS } from './versions.js';

/** OWS sections plus WCS's ServiceMetadata and EO-WCS's two parts of Contents (10-140r1 Req. 8). */
export const CAPABILITIES_SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'ServiceMetadata', 'Contents', 'CoverageSummary', 'DatasetSeriesSummary'] as const;

/** ServiceProvider from config (WCS 2.0 writes it on OWS 2.0, WCS 1.1 on OWS 1.1). */
export function serviceProviderInfo(env: WcsEnv): ServiceProviderInfo {
  return serviceProviderFromConfig(env.config.provider, 'pointOfContact');
}

function serviceProvider(env: WcsEnv): XmlElement {
  return serviceProviderXml(serviceProviderInfo(env), '2.0.0');
}

function operations(env: WcsEnv): OperationInfo[] {
  const names: string[] = env.wcps ? [...OPERATION_NAMES, PROCESS_COVERAGES] : [...OPERATION_NAMES];
  return names.map((name) => ({
    name,
    get: `${env.baseUrl}?`,
    post: [{ href: env.baseUrl, constraints: [{ name: 'PostEncoding', values: ['XML'] }] }],
  }));
}

/** The CRSs offered for subsetting and output: the configured ones and every native one. */
export function crsSupported(env: WcsEnv, coverages: readonly CoverageDescription[]): string[] {
  const ids = new Set<string>(env.offeredCrs);
  for (const d of coverages) ids.add(crsDefinition(d.grid.crs).id);
  return [...ids].map((id) => crsAxes(crsDefinition(id)).uri);
}

function serviceMetadata(env: WcsEnv, coverages: readonly CoverageDescription[]): XmlElement {
  return el(
    'wcs:ServiceMetadata',
    null,
    FORMATS_SUPPORTED.map((f) => el('wcs:formatSupported', null, f)),
    el(
      'wcs:Extension',
      null,
      el('int:InterpolationMetadata', { 'xmlns:int': WCS_NS.int }, INTERPOLATION_URIS.map((uri) => el('int:InterpolationSupported', null, uri))),
      el('crs:CrsMetadata', { 'xmlns:crs': WCS_NS.crs }, crsSupported(env, coverages).map((uri) => el('crs:crsSupported', null, uri))),
    ),
  );
}

function coverageSummary(d: CoverageDescription): XmlElement {
  const axes = crsAxes(crsDefinition(d.grid.crs));
  const corner = (x: number, y: number) => (axes.crs.northFirst ? [y, x] : [x, y]).map((v) => Number(num(v)));
  return el(
    'wcs:CoverageSummary',
    null,
    el('ows:Title', null, d.title),
    d.abstract !== undefined && d.abstract !== '' && el('ows:Abstract', null, d.abstract),
    d.keywords.length > 0 && el('ows:Keywords', null, d.keywords.map((k) => el('ows:Keyword', null, k))),
    wgs84BoundingBoxXml(d.wgs84Bbox),
    el('wcs:CoverageId', null, d.id),
    coverageSubtypeXml(d),
    boundingBoxXml(corner(d.bbox[0], d.bbox[1]), corner(d.bbox[2], d.bbox[3]), axes.uri),
  );
}

function datasetSeriesSummary(d: CoverageDescription): XmlElement {
  return el(
    'wcseo:DatasetSeriesSummary',
    null,
    el('ows:Title', null, d.title),
    d.abstract !== undefined && d.abstract !== '' && el('ows:Abstract', null, d.abstract),
    wgs84BoundingBoxXml(d.wgs84Bbox),
    el('wcseo:DatasetSeriesId', null, d.id),
    timePeriodXml(`${d.id}_timeperiod`, timePeriodOf(d)),
  );
}

export async function getCapabilities(request: GetCapabilitiesRequest, env: WcsEnv): Promise<WcsResponse> {
  const sections = parseSections(request.sections, CAPABILITIES_SECTIONS, 'sections');
  // No updateSequence is kept: a client's value can only ask for the whole document.
  checkUpdateSequence(request.updateSequence, undefined, { style: 'ows', locator: 'updateSequence' });
  const wantsContents = sections.has('Contents') || sections.has('CoverageSummary') || sections.has('DatasetSeriesSummary');
  const coverages = wantsContents || sections.has('ServiceMetadata') ? await env.coverages.list(env.subject) : [];
  const series = coverages.filter((d) => d.kind === 'series');
  const summaries = sections.has('Contents') || sections.has('CoverageSummary');
  const seriesSummaries = sections.has('Contents') || sections.has('DatasetSeriesSummary');
  const root = el(
    'wcs:Capabilities',
    { ...wcsNamespaceAttrs({ eo: true }), 'xsi:schemaLocation': `${WCS_SCHEMA_LOCATION.wcs} ${WCS_SCHEMA_LOCATION.wcseo}`, version: env.version },
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: env.config.title,
          abstract: env.config.abstract,
          keywords: env.config.keywords,
          serviceType: 'OGC WCS',
          serviceTypeCodeSpace: 'OGC',
          serviceTypeVersions: ADVERTISED_VERSIONS,
          profiles: env.wcps ? [...WCS_PROFILES, ...PROCESSING_PROFILES] : WCS_PROFILES,
          fees: env.config.fees,
          accessConstraints: env.config.accessConstraints,
        },
        '2.0.0',
      ),
    sections.has('ServiceProvider') && serviceProvider(env),
    sections.has('OperationsMetadata') &&
      operationsMetadataXml(
        {
          operations: operations(env),
          constraints: [{ name: 'CountDefault', noValues: true, defaultValue: env.config.countDefault }],
        },
        '2.0.0',
      ),
    sections.has('ServiceMetadata') && serviceMetadata(env, coverages),
    wantsContents &&
      el(
        'wcs:Contents',
        null,
        summaries && coverages.map(coverageSummary),
        seriesSummaries && series.length > 0 && el('wcs:Extension', null, series.map(datasetSeriesSummary)),
      ),
  );
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(root) };
}
