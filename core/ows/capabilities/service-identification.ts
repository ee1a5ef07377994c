import { el, type XmlElement } from '../xml/writer.js';
import { localized, sectionAttrs, texts, type LocalizedText, type OwsCommonVersion, type SectionOptions } from './common.js';

export interface KeywordGroup {
  keywords: readonly string[];
  /** Keyword type, e.g. 'theme', 'place' (ows:Type). */
  type?: string;
  typeCodeSpace?: string;
  lang?: string;
}

export interface ServiceIdentificationInfo {
  title: LocalizedText;
  abstract?: LocalizedText;
  /** Plain keywords (one group) or typed groups. */
  keywords?: readonly string[] | readonly KeywordGroup[];
  /** 'WFS', 'WCS', 'WPS', 'CSW', 'WMTS', 'OGC WMS'... */
  serviceType: string;
  serviceTypeCodeSpace?: string;
  serviceTypeVersions: readonly string[];
  /** Profile / conformance-class URIs (OWS 1.1 and 2.0 only). */
  profiles?: readonly string[];
  fees?: string;
  accessConstraints?: readonly string[];
}

function keywordGroups(keywords: ServiceIdentificationInfo['keywords']): KeywordGroup[] {
  if (!keywords || keywords.length === 0) return [];
  return typeof keywords[0] === 'string' ? [{ keywords: keywords as readonly string[] }] : [...(keywords as readonly KeywordGroup[])];
}

/** ows:ServiceIdentification in the element order of the version's schema. */
export function serviceIdentificationXml(info: ServiceIdentificationInfo, version: OwsCommonVersion, options: SectionOptions = {}): XmlElement {
  if (info.serviceTypeVersions.length === 0) throw new Error('ServiceIdentification needs at least one ServiceTypeVersion');
  return el(
    'ows:ServiceIdentification',
    sectionAttrs(version, options),
    localized('ows:Title', info.title, version),
    localized('ows:Abstract', info.abstract, version),
    keywordGroups(info.keywords).map((group) =>
      el(
        'ows:Keywords',
        null,
        group.keywords.map((k) => el('ows:Keyword', { 'xml:lang': version === '1.0.0' ? undefined : group.lang }, k)),
        group.type !== undefined && el('ows:Type', { codeSpace: group.typeCodeSpace }, group.type),
      ),
    ),
    el('ows:ServiceType', { codeSpace: info.serviceTypeCodeSpace }, info.serviceType),
    texts('ows:ServiceTypeVersion', info.serviceTypeVersions),
    version !== '1.0.0' && texts('ows:Profile', info.profiles),
    info.fees !== undefined && el('ows:Fees', null, info.fees),
    texts('ows:AccessConstraints', info.accessConstraints),
  );
}
