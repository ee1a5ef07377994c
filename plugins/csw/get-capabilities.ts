/**
 * GetCapabilities (CSW 2.0.2 §10.5 on OWS 1.0; CSW 3.0 §7.1 on OWS 2.0). The version was
 * negotiated before (index.ts). CSW 3.0 with acceptFormats (or Accept) naming the OpenSearch
 * description type is the OpenSearch binding: a redirect to the OpenSearch plugin's document.
 */
import {
  checkUpdateSequence,
  el,
  invalidParameterValue,
  operationsMetadataXml,
  parseSections,
  serviceIdentificationXml,
  serviceProviderFromConfig,
  serviceProviderXml,
  type XmlElement,
} from '../../core/ows/index.js';
import type { CswEnv, CswResponse } from './context.js';
import { filterCapabilities11, filterCapabilities20 } from '../../core/filter/index.js';
import { CSW_NS } from './namespaces.js';
import { OPENSEARCH_DESCRIPTION_TYPE, openSearchDescriptionUrl } from './opensearch.js';
import { GET_CAPABILITIES_SECTIONS, operationsMetadata, serviceConstraints } from './operations.js';
import { OUTPUT_FORMATS } from './record-encoding.js';
import type { GetCapabilitiesRequest } from './requests.js';
import { xmlResponse } from './response.js';
import { CSW_VERSIONS, PROFILES, type CswVersion } from './versions.js';

/** The first acceptFormats entry this service writes, or the Accept header's choice when none is given. */
function chosenFormat(request: GetCapabilitiesRequest, env: CswEnv, version: CswVersion): 'xml' | 'opensearch' {
  const osdd = version === '3.0.0' && openSearchDescriptionUrl(env) !== undefined;
  const offered: string[] = [...OUTPUT_FORMATS, ...(osdd ? [OPENSEARCH_DESCRIPTION_TYPE] : [])];
  const requested = (request.acceptFormats ?? []).map((f) => f.split(';')[0]!.trim().toLowerCase()).filter((f) => f !== '');
  if (requested.length > 0) {
    const match = requested.find((f) => offered.includes(f));
    if (!match) throw invalidParameterValue('acceptFormats', `None of the formats asked for is offered (${offered.join(', ')})`);
    return match === OPENSEARCH_DESCRIPTION_TYPE ? 'opensearch' : 'xml';
  }
  // The Accept header decides only when it prefers the description: `*/*` picks XML, listed first.
  if (osdd && env.ctx.get('Accept') && env.ctx.accepts('application/xml', 'text/xml', OPENSEARCH_DESCRIPTION_TYPE) === OPENSEARCH_DESCRIPTION_TYPE) return 'opensearch';
  return 'xml';
}

function serviceProvider(env: CswEnv, version: CswVersion): XmlElement {
  const p = env.config.provider;
  return serviceProviderXml(serviceProviderFromConfig(p, version === '2.0.2' ? undefined : 'pointOfContact'), PROFILES[version].ows);
}

export function getCapabilities(request: GetCapabilitiesRequest, version: CswVersion, env: CswEnv): CswResponse {
  if (chosenFormat(request, env, version) === 'opensearch') {
    return { status: 303, contentType: 'text/plain; charset=UTF-8', body: 'See the OpenSearch description document', headers: { Location: openSearchDescriptionUrl(env)! } };
  }
  const profile = PROFILES[version];
  const sections = parseSections(request.sections, GET_CAPABILITIES_SECTIONS, 'sections');
  // No updateSequence is kept: a client's value can only ask for the whole document.
  checkUpdateSequence(request.updateSequence, undefined, { style: 'ows', locator: 'updateSequence' });
  const is3 = version === '3.0.0';
  const root = el(
    'csw:Capabilities',
    {
      'xmlns:csw': profile.csw,
      'xmlns:ows': profile.owsNs,
      [is3 ? 'xmlns:fes' : 'xmlns:ogc']: profile.filterNs,
      'xmlns:gml': is3 ? CSW_NS.gml32 : CSW_NS.gml,
      'xmlns:xlink': CSW_NS.xlink,
      'xmlns:xsi': CSW_NS.xsi,
      'xsi:schemaLocation': profile.discoverySchema,
      version,
    },
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: env.config.title,
          abstract: env.config.abstract,
          keywords: env.config.keywords,
          serviceType: 'CSW',
          serviceTypeVersions: [...CSW_VERSIONS].reverse(),
          fees: env.config.fees,
          accessConstraints: env.config.accessConstraints,
        },
        profile.ows,
      ),
    sections.has('ServiceProvider') && serviceProvider(env, version),
    sections.has('OperationsMetadata') &&
      operationsMetadataXml(
        {
          operations: operationsMetadata(version, env),
          parameters: [
            { name: 'service', values: ['CSW'] },
            { name: 'version', values: [...CSW_VERSIONS] },
          ],
          constraints: serviceConstraints(version, env),
        },
        profile.ows,
      ),
    // CSW 2.0.2's schema requires Filter_Capabilities; 3.0 writes it when asked.
    (!is3 || sections.has('Filter_Capabilities')) && (is3 ? filterCapabilities20() : filterCapabilities11()),
  );
  return xmlResponse(root);
}
