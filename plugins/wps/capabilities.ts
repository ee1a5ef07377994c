/**
 * GetCapabilities (OGC 14-065 §9.2 on OWS Common 2.0): the service, its conformance classes as
 * ows:Profile, the operations with their GET/POST endpoints, and in wps:Contents the processes
 * the caller may read (the engine decides: built-ins, public packages, the caller's own).
 */
import {
  checkUpdateSequence,
  el,
  negotiateAcceptVersions,
  operationsMetadataXml,
  parseSections,
  serializeXml,
  serviceIdentificationXml,
  serviceProviderFromConfig,
  serviceProviderXml,
  type KvpParams,
  type OperationInfo,
  type XmlTreeNode,
} from '../../core/ows/index.js';
import type { ProcessRecord } from '../processing/types.js';
import type { WpsConfig } from './config.js';
import { WPS_CONFORMANCE } from './conformance.js';
import { negotiated } from './errors.js';
import { wpsRootAttrs } from './namespaces.js';
import { processSummaryXml } from './process-xml.js';
import { OPERATIONS, TRANSACTIONS } from './read-request.js';
import { childrenNamed, firstChild, isOws } from './xml-read.js';

export const SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'Languages', 'Contents'] as const;

export interface CapabilitiesRequest {
  acceptVersions?: string[];
  sections?: string[];
  updateSequence?: string;
}

export function capabilitiesRequestOfKvp(kvp: KvpParams): CapabilitiesRequest {
  return {
    acceptVersions: kvp.has('AcceptVersions') ? kvp.list('AcceptVersions') : undefined,
    sections: kvp.has('Sections') ? kvp.list('Sections') : undefined,
    updateSequence: kvp.optional('updateSequence'),
  };
}

export function capabilitiesRequestOfXml(root: XmlTreeNode): CapabilitiesRequest {
  const versions = firstChild(root, (c) => isOws(c, 'AcceptVersions'));
  const sections = firstChild(root, (c) => isOws(c, 'Sections'));
  return {
    acceptVersions: versions ? childrenNamed(versions, (c) => isOws(c, 'Version')).map((v) => v.text) : undefined,
    sections: sections ? childrenNamed(sections, (c) => isOws(c, 'Section')).map((v) => v.text) : undefined,
    updateSequence: root.attrs.updateSequence,
  };
}

export function capabilitiesXml(request: CapabilitiesRequest, config: WpsConfig, baseUrl: string, processes: ProcessRecord[]): string {
  negotiated(() => negotiateAcceptVersions(request.acceptVersions, ['2.0.0']));
  const sections = parseSections(request.sections, SECTIONS, 'Sections');
  checkUpdateSequence(request.updateSequence, undefined, { style: 'ows', locator: 'updateSequence' });
  const names: string[] = config.transactions ? [...OPERATIONS, ...TRANSACTIONS] : [...OPERATIONS];
  const operations: OperationInfo[] = names.map((name) => ({
    name,
    // Execute and DeployProcess have no KVP encoding.
    get: name === 'Execute' || name === 'DeployProcess' ? undefined : `${baseUrl}?`,
    post: baseUrl,
  }));
  const root = el(
    'wps:Capabilities',
    { ...wpsRootAttrs(), service: 'WPS', version: '2.0.0' },
    sections.has('ServiceIdentification') &&
      serviceIdentificationXml(
        {
          title: config.title,
          abstract: config.abstract,
          keywords: config.keywords,
          serviceType: 'WPS',
          serviceTypeVersions: ['2.0.0'],
          profiles: WPS_CONFORMANCE(config.transactions),
          fees: config.fees,
          accessConstraints: config.accessConstraints,
        },
        '2.0.0',
      ),
    sections.has('ServiceProvider') && serviceProviderXml(serviceProviderFromConfig(config.provider, 'pointOfContact'), '2.0.0'),
    sections.has('OperationsMetadata') && operationsMetadataXml({ operations }, '2.0.0'),
    sections.has('Languages') && el('ows:Languages', null, el('ows:Language', null, 'en')),
    sections.has('Contents') && el('wps:Contents', null, processes.map(processSummaryXml)),
  );
  return serializeXml(root);
}
