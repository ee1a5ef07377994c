/**
 * WCS 1.0.0 GetCapabilities (§7): WCS_Capabilities with Service, Capability (the three
 * operations on HTTP GET; ServiceExceptionReport as the exception format) and ContentMetadata (a
 * CoverageOfferingBrief per coverage the subject may read). SECTION answers one of the three
 * sections as the document's root; without it, or with "/", the whole document.
 */
import { checkUpdateSequence, el, serializeXml, type XmlElement } from '../../../../core/ows/index.js';
import type { WcsEnv, WcsResponse } from '../../context.js';
import { coverageBriefContent, keywordsXml } from './brief.js';
import { wcs10Exception } from './exceptions.js';
import { WCS10_EXCEPTION_FORMAT, wcs10RootAttrs, WCS10_SCHEMAS } from './namespaces.js';
import type { Capabilities10Request } from './requests.js';

export const XML_10_CONTENT_TYPE = 'text/xml; charset=UTF-8';

const SECTIONS = ['/', '/WCS_Capabilities/Service', '/WCS_Capabilities/Capability', '/WCS_Capabilities/ContentMetadata'] as const;

function responsibleParty(env: WcsEnv): XmlElement {
  const p = env.config.provider;
  const address = p.city || p.country || p.email;
  return el(
    'responsibleParty',
    null,
    p.individualName ? [el('individualName', null, p.individualName), el('organisationName', null, p.name)] : el('organisationName', null, p.name),
    p.positionName && el('positionName', null, p.positionName),
    (p.phone || address || p.site) &&
      el(
        'contactInfo',
        null,
        p.phone && el('phone', null, el('voice', null, p.phone)),
        address && el('address', null, p.city && el('city', null, p.city), p.country && el('country', null, p.country), p.email && el('electronicMailAddress', null, p.email)),
        p.site && el('onlineResource', { 'xlink:type': 'simple', 'xlink:href': p.site }),
      ),
  );
}

function serviceXml(env: WcsEnv, attrs: Record<string, string> | null): XmlElement {
  const c = env.config;
  return el(
    'Service',
    attrs,
    c.abstract && el('description', null, c.abstract),
    el('name', null, 'WCS'),
    el('label', null, c.title),
    keywordsXml(c.keywords),
    responsibleParty(env),
    el('fees', null, c.fees),
    (c.accessConstraints.length > 0 ? c.accessConstraints : ['NONE']).map((a) => el('accessConstraints', null, a)),
  );
}

function capabilityXml(env: WcsEnv, attrs: Record<string, string> | null): XmlElement {
  const dcp = () => el('DCPType', null, el('HTTP', null, el('Get', null, el('OnlineResource', { 'xlink:type': 'simple', 'xlink:href': `${env.baseUrl}?` }))));
  return el(
    'Capability',
    attrs,
    el('Request', null, el('GetCapabilities', null, dcp()), el('DescribeCoverage', null, dcp()), el('GetCoverage', null, dcp())),
    el('Exception', null, el('Format', null, WCS10_EXCEPTION_FORMAT)),
  );
}

async function contentMetadataXml(env: WcsEnv, attrs: Record<string, string> | null): Promise<XmlElement> {
  const coverages = await env.coverages.list(env.subject);
  return el(
    'ContentMetadata',
    attrs,
    coverages.map((d) => el('CoverageOfferingBrief', null, coverageBriefContent(d))),
  );
}

export async function getCapabilities10(request: Capabilities10Request, env: WcsEnv): Promise<WcsResponse> {
  // No updateSequence is kept, so any value asks for the whole document.
  checkUpdateSequence(request.updateSequence, undefined, { style: 'wms', locator: 'UPDATESEQUENCE' });
  const section = request.section ?? '/';
  if (!(SECTIONS as readonly string[]).includes(section)) {
    throw wcs10Exception('InvalidParameterValue', `SECTION must be one of ${SECTIONS.join(', ')}; got '${section}'`, 'SECTION');
  }
  const rootAttrs = wcs10RootAttrs(WCS10_SCHEMAS.capabilities);
  let root: XmlElement;
  switch (section) {
    case '/WCS_Capabilities/Service':
      root = serviceXml(env, rootAttrs);
      break;
    case '/WCS_Capabilities/Capability':
      root = capabilityXml(env, rootAttrs);
      break;
    case '/WCS_Capabilities/ContentMetadata':
      root = await contentMetadataXml(env, rootAttrs);
      break;
    default:
      root = el('WCS_Capabilities', rootAttrs, serviceXml(env, null), capabilityXml(env, null), await contentMetadataXml(env, null));
  }
  return { contentType: XML_10_CONTENT_TYPE, body: serializeXml(root) };
}
