/**
 * WCS 1.1.1 GetCapabilities (§8, OWS Common 1.1): ServiceIdentification, ServiceProvider,
 * OperationsMetadata (GetCapabilities, DescribeCoverage and GetCoverage on HTTP GET, with
 * GetCoverage's format, store and interpolation values) and Contents: a CoverageSummary per
 * coverage the subject may read (title, abstract, keywords, WGS 84 box, CRSs as URNs, formats,
 * identifier), then the union of CRSs and formats. Sections picks among them (OWS 1.1 §7.3.3).
 */
import {
  checkUpdateSequence,
  el,
  operationsMetadataXml,
  parseSections,
  serializeXml,
  serviceIdentificationXml,
  serviceProviderXml,
  wgs84BoundingBoxXml,
  type XmlElement,
} from '../../../../core/ows/index.js';
import type { CoverageDescription } from '../../../coverages/types.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { serviceProviderInfo } from '../../get-capabilities.js';
import { ADVERTISED_VERSIONS } from '../../versions.js';
import { coverageCrsList, crs11Id } from '../crs.js';
import { FORMATS_1 } from '../formats.js';
import { INTERPOLATIONS_11 } from '../interpolation.js';
import { wcs11RootAttrs, WCS11_SCHEMAS } from './namespaces.js';
import type { Capabilities11Request } from './requests.js';

export const XML_11_CONTENT_TYPE = 'text/xml; charset=UTF-8';

const SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'Contents'] as const;

/** ows:Title, ows:Abstract, ows:Keywords of a coverage (ows:DescriptionType). */
export function descriptionXml(d: CoverageDescription): XmlElement[] {
  return [
    el('ows:Title', null, d.title),
    ...(d.abstract ? [el('ows:Abstract', null, d.abstract)] : []),
    ...(d.keywords.length > 0 ? [el('ows:Keywords', null, d.keywords.map((k) => el('ows:Keyword', null, k)))] : []),
  ];
}

function coverageSummaryXml(d: CoverageDescription, env: WcsEnv): XmlElement {
  return el(
    'CoverageSummary',
    null,
    descriptionXml(d),
    wgs84BoundingBoxXml(d.wgs84Bbox),
    coverageCrsList(d, env.offeredCrs).map((c) => el('SupportedCRS', null, crs11Id(c))),
    FORMATS_1.map((f) => el('SupportedFormat', null, f.mimeType)),
    el('Identifier', null, d.id),
  );
}

function operations(env: WcsEnv) {
  const get = `${env.baseUrl}?`;
  return {
    operations: [
      { name: 'GetCapabilities', get },
      { name: 'DescribeCoverage', get },
      {
        name: 'GetCoverage',
        get,
        parameters: [
          { name: 'Format', values: FORMATS_1.map((f) => f.mimeType) },
          { name: 'store', values: ['false'] },
          { name: 'InterpolationType', values: [...INTERPOLATIONS_11] },
        ],
      },
    ],
    parameters: [
      { name: 'service', values: ['WCS'] },
      { name: 'version', values: ['1.1.1'] },
    ],
  };
}

export async function getCapabilities11(request: Capabilities11Request, env: WcsEnv): Promise<WcsResponse> {
  const sections = parseSections(request.sections, SECTIONS, 'sections');
  // No updateSequence is kept: a client's value can only ask for the whole document.
  checkUpdateSequence(request.updateSequence, undefined, { style: 'ows', locator: 'updateSequence' });
  const c = env.config;
  let contents: XmlElement | undefined;
  if (sections.has('Contents')) {
    const coverages = await env.coverages.list(env.subject);
    const crs = new Map<string, string>();
    for (const d of coverages) for (const def of coverageCrsList(d, env.offeredCrs)) crs.set(def.id, crs11Id(def));
    contents = el(
      'Contents',
      null,
      coverages.map((d) => coverageSummaryXml(d, env)),
      [...crs.values()].map((urn) => el('SupportedCRS', null, urn)),
      FORMATS_1.map((f) => el('SupportedFormat', null, f.mimeType)),
    );
  }
  const root = el(
    'Capabilities',
    wcs11RootAttrs(WCS11_SCHEMAS.capabilities, { version: '1.1.1' }),
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: c.title,
          abstract: c.abstract,
          keywords: c.keywords,
          serviceType: 'OGC WCS',
          serviceTypeCodeSpace: 'OGC',
          serviceTypeVersions: ADVERTISED_VERSIONS,
          // OWSLib reads both; the schema allows them to be left out, OWSLib does not.
          fees: c.fees || 'NONE',
          accessConstraints: c.accessConstraints.length > 0 ? c.accessConstraints : ['NONE'],
        },
        '1.1.0',
      ),
    sections.has('ServiceProvider') && serviceProviderXml(serviceProviderInfo(env), '1.1.0'),
    sections.has('OperationsMetadata') && operationsMetadataXml(operations(env), '1.1.0'),
    contents,
  );
  return { contentType: XML_11_CONTENT_TYPE, body: serializeXml(root) };
}
