/**
 * DescribeCoverage (WCS 2.0.1 core §8.3; EO-WCS §7.3): one wcs:CoverageDescription per id, in
 * the order asked. Files and mosaics are RectifiedGridCoverages; a series is one too, with its
 * time extent in an EnvelopeWithTimePeriod and a third axis label; a granule is an EO-WCS
 * RectifiedDataset carrying its EO metadata.
 */
import { el, serializeXml, type XmlElement } from '../../core/ows/index.js';
import type { CoverageDescription } from '../coverages/types.js';
import { crsAxes, crsDefinition } from './axes.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { eoMetadataXml, timePeriodOf } from './eo-metadata.js';
import { wcsException } from './exceptions.js';
import { boundedByXml, coverageFunctionXml, domainSetXml, rangeTypeXml } from './gml.js';
import { wcsNamespaceAttrs, WCS_SCHEMA_LOCATION } from './namespaces.js';
import { hasTimeAxis } from './plan.js';
import type { DescribeCoverageRequest } from './requests.js';

export const NATIVE_FORMAT = 'image/tiff';

/** Whether a coverage is an EO-WCS EO coverage (has EO metadata). */
export function isEoCoverage(d: CoverageDescription): boolean {
  return d.kind === 'granule';
}

/** wcs:CoverageSubtype (and its parent) of a coverage. */
export function coverageSubtypeXml(d: CoverageDescription): XmlElement[] {
  if (!isEoCoverage(d)) return [el('wcs:CoverageSubtype', null, 'RectifiedGridCoverage')];
  return [el('wcs:CoverageSubtype', null, 'RectifiedDataset'), el('wcs:CoverageSubtypeParent', null, el('wcs:CoverageSubtype', null, 'RectifiedGridCoverage'))];
}

export function coverageDescriptionXml(d: CoverageDescription): XmlElement {
  const axes = crsAxes(crsDefinition(d.grid.crs));
  const time = hasTimeAxis(d) ? timePeriodOf(d) : undefined;
  return el(
    'wcs:CoverageDescription',
    { 'gml:id': d.id },
    d.abstract !== undefined && d.abstract !== '' && el('gml:description', null, d.abstract),
    el('gml:name', null, d.title),
    boundedByXml(axes, d.bbox, time),
    el('wcs:CoverageId', null, d.id),
    coverageFunctionXml(axes),
    isEoCoverage(d) && el('gmlcov:metadata', null, el('gmlcov:Extension', null, eoMetadataXml(d))),
    domainSetXml(d.id, axes, d.grid),
    rangeTypeXml(d.bands),
    el('wcs:ServiceParameters', null, coverageSubtypeXml(d), el('wcs:nativeFormat', null, NATIVE_FORMAT)),
  );
}

/** A coverage the subject may read, or NoSuchCoverage (the same answer whether it exists or not). */
export async function requireCoverage(env: WcsEnv, id: string, locator = 'coverageId'): Promise<CoverageDescription> {
  const d = await env.coverages.get(id, env.subject);
  if (!d) throw wcsException('NoSuchCoverage', `No coverage '${id}' is offered`, locator === 'coverageId' ? id : locator);
  return d;
}

export async function describeCoverage(request: DescribeCoverageRequest, env: WcsEnv): Promise<WcsResponse> {
  const found = await Promise.all(request.coverageIds.map((id) => env.coverages.get(id, env.subject)));
  const missing = request.coverageIds.filter((_, i) => found[i] === undefined);
  if (missing.length > 0) throw wcsException('NoSuchCoverage', `No coverage ${missing.map((m) => `'${m}'`).join(', ')} is offered`, missing.join(','));
  const descriptions = found as CoverageDescription[];
  const eo = descriptions.some(isEoCoverage);
  const root = el(
    'wcs:CoverageDescriptions',
    { ...wcsNamespaceAttrs({ eo }), 'xsi:schemaLocation': eo ? `${WCS_SCHEMA_LOCATION.wcs} ${WCS_SCHEMA_LOCATION.wcseo}` : WCS_SCHEMA_LOCATION.wcs },
    descriptions.map(coverageDescriptionXml),
  );
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(root) };
}
