/** Pieces WCS 1.0.0 capabilities and coverage descriptions share (the CoverageOfferingBrief content). */
import { el, type XmlElement } from '../../../../core/ows/index.js';
import type { CoverageDescription } from '../../../coverages/types.js';
import { num } from '../../gml.js';
import { temporalDomainOf } from '../time.js';

export function keywordsXml(keywords: readonly string[]): XmlElement | false {
  return keywords.length > 0 && el('keywords', null, keywords.map((k) => el('keyword', null, k)));
}

/** wcs:lonLatEnvelope: CRS84 corners, and the first and last instants of a coverage with time. */
export function lonLatEnvelopeXml(d: CoverageDescription): XmlElement {
  const [w, s, e, n] = d.wgs84Bbox;
  const domain = temporalDomainOf(d);
  const times = domain === undefined ? undefined : 'positions' in domain ? [domain.positions[0]!, domain.positions[domain.positions.length - 1]!] : [domain.begin, domain.end];
  return el(
    'lonLatEnvelope',
    { srsName: 'urn:ogc:def:crs:OGC:1.3:CRS84' },
    el('gml:pos', null, `${num(w)} ${num(s)}`),
    el('gml:pos', null, `${num(e)} ${num(n)}`),
    times?.map((t) => el('gml:timePosition', null, t)),
  );
}

/** description, name and label (AbstractDescriptionType), then the envelope and keywords (CoverageOfferingBriefType). */
export function coverageBriefContent(d: CoverageDescription): XmlElement[] {
  return [
    ...(d.abstract ? [el('description', null, d.abstract)] : []),
    el('name', null, d.id),
    el('label', null, d.title),
    lonLatEnvelopeXml(d),
    ...[keywordsXml(d.keywords)].filter((k): k is XmlElement => k !== false),
  ];
}
