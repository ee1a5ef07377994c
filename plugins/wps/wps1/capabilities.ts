/**
 * WPS 1.0.0 GetCapabilities (OGC 05-007r7 §8, wpsGetCapabilities_response.xsd on OWS Common 1.1):
 * the service, the three operations with their GET/POST endpoints, wps:ProcessOfferings of the
 * processes the caller may read, and wps:Languages. WPS 1.0.0 has no Sections: the whole
 * document is always answered.
 */
import { el, operationsMetadataXml, serializeXml, serviceIdentificationXml, serviceProviderFromConfig, serviceProviderXml, type XmlElement } from '../../../core/ows/index.js';
import type { ProcessRecord } from '../../processing/types.js';
import type { WpsConfig } from '../config.js';
import { OPERATIONS_1_0 } from '../read-request.js';
import { wps1RootAttrs } from './namespaces.js';

/** DescriptionType (Identifier, Title, Abstract: in this order in 1.0.0) of a process, input or output. */
export function description1Parts(id: string, d: { title?: string; description?: string }): XmlElement[] {
  const parts = [el('ows:Identifier', null, id), el('ows:Title', null, d.title ?? id)];
  if (d.description) parts.push(el('ows:Abstract', null, d.description));
  return parts;
}

/** ProcessBriefType: a process in the capabilities and in an ExecuteResponse. */
export function processBrief1(name: string, p: ProcessRecord): XmlElement {
  return el(name, { 'wps:processVersion': p.description.version }, description1Parts(p.id, p.description));
}

export function capabilities1Xml(config: WpsConfig, baseUrl: string, processes: ProcessRecord[]): string {
  const operations = OPERATIONS_1_0.map((name) => ({ name, get: `${baseUrl}?`, post: baseUrl }));
  return serializeXml(
    el(
      'wps:Capabilities',
      wps1RootAttrs('wpsGetCapabilities_response.xsd'),
      serviceIdentificationXml(
        { title: config.title, abstract: config.abstract, keywords: config.keywords, serviceType: 'WPS', serviceTypeVersions: ['1.0.0'], fees: config.fees, accessConstraints: config.accessConstraints },
        '1.1.0',
      ),
      serviceProviderXml(serviceProviderFromConfig(config.provider, 'pointOfContact'), '1.1.0'),
      operationsMetadataXml({ operations }, '1.1.0'),
      // ProcessOfferings needs one process at least (the built-ins are always there).
      el('wps:ProcessOfferings', null, processes.map((p) => processBrief1('wps:Process', p))),
      el('wps:Languages', null, el('wps:Default', null, el('ows:Language', null, 'en')), el('wps:Supported', null, el('ows:Language', null, 'en'))),
    ),
  );
}
