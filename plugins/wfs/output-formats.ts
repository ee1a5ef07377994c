/**
 * GetFeature / GetPropertyValue / DescribeFeatureType output formats per version: GML 3.2 in
 * 2.0, GML 3.1.1 in 1.1.0, GeoJSON in both. Formats compare without case, spaces or quotes, and
 * the short names clients use (GML32, GML3, json) are accepted.
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import { GEOJSON_FORMAT, GML311_FORMAT, GML32_FORMAT, GML32_TEXT_FORMAT, JSON_FORMAT, PROFILES, type WfsVersion } from './versions.js';

export type Encoding = 'gml' | 'json';

export interface ChosenFormat {
  encoding: Encoding;
  contentType: string;
}

const squash = (f: string) => f.toLowerCase().replace(/[\s"']/g, '');

const GML_ALIASES: Record<WfsVersion, string[]> = {
  '2.0.0': [GML32_FORMAT, GML32_TEXT_FORMAT, 'application/gml+xml', 'text/xml; subtype=gml/3.2.1', 'application/gml+xml; version=3.2.1', 'gml32', 'application/xml; subtype=gml/3.2'],
  '1.1.0': [GML311_FORMAT, 'text/xml; subtype=gml/3.1', 'gml3', 'text/xml'],
};
const JSON_ALIASES = [JSON_FORMAT, GEOJSON_FORMAT, 'json', 'geojson', 'application/json; subtype=geojson', 'application/vnd.geo+json'];

/** The formats GetFeature offers in a version, as the capabilities list them. */
export function featureFormats(version: WfsVersion): string[] {
  return [...PROFILES[version].gmlFormats, JSON_FORMAT, GEOJSON_FORMAT];
}

export function chooseFeatureFormat(requested: string | undefined, version: WfsVersion, locator = 'outputFormat'): ChosenFormat {
  const gml: ChosenFormat = { encoding: 'gml', contentType: version === '2.0.0' ? GML32_FORMAT : GML311_FORMAT };
  if (requested === undefined || requested.trim() === '') return gml;
  const f = squash(requested);
  if (GML_ALIASES[version].some((a) => squash(a) === f)) return gml;
  if (JSON_ALIASES.some((a) => squash(a) === f)) return { encoding: 'json', contentType: f === squash(GEOJSON_FORMAT) ? GEOJSON_FORMAT : JSON_FORMAT };
  throw invalidParameterValue(locator, `Output format '${requested}' is not offered; formats are ${featureFormats(version).join(', ')}`);
}

/** DescribeFeatureType: the GML application schema (XSD) of the version. */
export function checkSchemaFormat(requested: string | undefined, version: WfsVersion): string {
  const xsd = version === '2.0.0' ? GML32_FORMAT : GML311_FORMAT;
  if (requested === undefined || requested.trim() === '') return xsd;
  const f = squash(requested);
  if (GML_ALIASES[version].some((a) => squash(a) === f) || f === 'xmlschema' || f === 'application/xml' || f === 'text/xml') return xsd;
  throw invalidParameterValue('outputFormat', `DescribeFeatureType writes XML Schema (${PROFILES[version].gmlFormats.join(', ')}); got '${requested}'`);
}
