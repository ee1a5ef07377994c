import { el, type XmlElement } from '../xml/writer.js';
import { sectionAttrs, type OwsCommonVersion, type SectionOptions } from './common.js';
import { domainXml, type DomainInfo } from './domain.js';

/** One endpoint of an operation, with constraints such as WMTS/WCS `PostEncoding` or `GetEncoding`. */
export interface RequestMethod {
  href: string;
  constraints?: readonly DomainInfo[];
}

export interface OperationInfo {
  name: string;
  /** HTTP GET endpoint(s): a URL ending in '?' or '&' for KVP, or RequestMethods. */
  get?: string | readonly RequestMethod[];
  post?: string | readonly RequestMethod[];
  parameters?: readonly DomainInfo[];
  constraints?: readonly DomainInfo[];
  /** Metadata links (xlink:href), OWS 1.1/2.0 ows:Metadata. */
  metadata?: readonly string[];
}

export interface OperationsMetadataInfo {
  operations: readonly OperationInfo[];
  /** Parameters valid for every operation (AcceptVersions, service...). */
  parameters?: readonly DomainInfo[];
  /** Service-wide constraints (WFS ImplementsBasicWFS, KVPEncoding...). */
  constraints?: readonly DomainInfo[];
  /** ows:ExtendedCapabilities content (e.g. INSPIRE), written inside the element. */
  extendedCapabilities?: XmlElement;
}

function methods(value: string | readonly RequestMethod[] | undefined): readonly RequestMethod[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [{ href: value }] : value;
}

function methodXml(name: 'ows:Get' | 'ows:Post', method: RequestMethod, version: OwsCommonVersion): XmlElement {
  return el(name, { 'xlink:href': method.href }, (method.constraints ?? []).map((c) => domainXml('ows:Constraint', c, version)));
}

function operationXml(op: OperationInfo, version: OwsCommonVersion): XmlElement {
  const gets = methods(op.get);
  const posts = methods(op.post);
  if (gets.length + posts.length === 0) throw new Error(`Operation '${op.name}' needs at least one GET or POST endpoint`);
  return el(
    'ows:Operation',
    { name: op.name },
    el('ows:DCP', null, el('ows:HTTP', null, gets.map((m) => methodXml('ows:Get', m, version)), posts.map((m) => methodXml('ows:Post', m, version)))),
    (op.parameters ?? []).map((p) => domainXml('ows:Parameter', p, version)),
    (op.constraints ?? []).map((c) => domainXml('ows:Constraint', c, version)),
    (op.metadata ?? []).map((href) => el('ows:Metadata', { 'xlink:href': href })),
  );
}

/** ows:OperationsMetadata; the schemas require at least two operations (GetCapabilities and one more). */
export function operationsMetadataXml(info: OperationsMetadataInfo, version: OwsCommonVersion, options: SectionOptions = {}): XmlElement {
  if (info.operations.length < 2) throw new Error('OperationsMetadata needs at least two operations');
  return el(
    'ows:OperationsMetadata',
    sectionAttrs(version, options),
    info.operations.map((op) => operationXml(op, version)),
    (info.parameters ?? []).map((p) => domainXml('ows:Parameter', p, version)),
    (info.constraints ?? []).map((c) => domainXml('ows:Constraint', c, version)),
    info.extendedCapabilities && el('ows:ExtendedCapabilities', null, info.extendedCapabilities),
  );
}
