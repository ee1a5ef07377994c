/**
 * Namespaces and schema locations of WCS 1.1.1 documents (OGC 06-083r8 with corrigendum
 * 07-067r2): the WCS 1.1.1 namespace, as GeoServer writes it, OWSLib 1.1.1 reads it and the OGC
 * WCS 1.1.1 test suite's schemas declare it; OWS Common 1.1.0; GML 3.1.1.
 */
export const WCS11_NS = {
  wcs: 'http://www.opengis.net/wcs/1.1.1',
  ows: 'http://www.opengis.net/ows/1.1',
  gml: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
} as const;

const OWS_SCHEMA = 'http://schemas.opengis.net/ows/1.1.0/owsAll.xsd';

export const WCS11_SCHEMAS = {
  capabilities: 'http://schemas.opengis.net/wcs/1.1.1/wcsGetCapabilities.xsd',
  describeCoverage: 'http://schemas.opengis.net/wcs/1.1.1/wcsDescribeCoverage.xsd',
  coverages: 'http://schemas.opengis.net/wcs/1.1.1/wcsCoverages.xsd',
} as const;

/** The root attributes of a WCS 1.1.1 document validated by `schema` (the wcs namespace is the default). */
export function wcs11RootAttrs(schema: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    xmlns: WCS11_NS.wcs,
    'xmlns:ows': WCS11_NS.ows,
    'xmlns:gml': WCS11_NS.gml,
    'xmlns:xlink': WCS11_NS.xlink,
    'xmlns:xsi': WCS11_NS.xsi,
    'xsi:schemaLocation': `${WCS11_NS.wcs} ${schema} ${WCS11_NS.ows} ${OWS_SCHEMA}`,
    ...extra,
  };
}

/** Grid CRS vocabulary of WCS 1.1 (Annex E / the GridMethods dictionary). */
export const GRID = {
  simple: 'urn:ogc:def:method:WCS:1.1:2dSimpleGrid',
  in2dCrs: 'urn:ogc:def:method:WCS:1.1:2dGridIn2dCrs',
  squareCs: 'urn:ogc:def:cs:OGC:0.0:Grid2dSquareCS',
  imageCrs: 'urn:ogc:def:crs:OGC::imageCRS',
} as const;

/** The xlink:role of the coverage file in a GetCoverage Coverages document. */
export const COVERAGE_ROLE = 'urn:ogc:def:role:WCS:1.1:coverage';
