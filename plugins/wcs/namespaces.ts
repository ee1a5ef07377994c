/** Namespaces and schema locations of the documents WCS 2.0.1 and EO-WCS 1.0 read and write. */
export const WCS_NS = {
  wcs: 'http://www.opengis.net/wcs/2.0',
  wcseo: 'http://www.opengis.net/wcs/wcseo/1.0',
  ows: 'http://www.opengis.net/ows/2.0',
  gml: 'http://www.opengis.net/gml/3.2',
  gmlcov: 'http://www.opengis.net/gmlcov/1.0',
  swe: 'http://www.opengis.net/swe/2.0',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  // EO-WCS 1.0 embeds EOP 2.0 (OGC 10-157r3, schemas.opengis.net/omeo/1.0) on O&M 2.0.
  eop: 'http://www.opengis.net/eop/2.0',
  om: 'http://www.opengis.net/om/2.0',
  // Extension namespaces (capabilities metadata and XML request elements).
  crs: 'http://www.opengis.net/wcs/crs/1.0',
  int: 'http://www.opengis.net/wcs/interpolation/1.0',
  scal: 'http://www.opengis.net/wcs/scaling/1.0',
  rsub: 'http://www.opengis.net/wcs/range-subsetting/1.0',
  geotiff: 'http://www.opengis.net/gmlcov/geotiff/1.0',
} as const;

export const WCS_SCHEMA_LOCATION = {
  wcs: `${WCS_NS.wcs} http://schemas.opengis.net/wcs/2.0/wcsAll.xsd`,
  wcseo: `${WCS_NS.wcseo} http://schemas.opengis.net/wcs/wcseo/1.0/wcsEOAll.xsd`,
} as const;

/** xmlns declarations of a WCS document root. */
export function wcsNamespaceAttrs(options: { eo?: boolean } = {}): Record<string, string> {
  return {
    'xmlns:wcs': WCS_NS.wcs,
    'xmlns:ows': WCS_NS.ows,
    'xmlns:gml': WCS_NS.gml,
    'xmlns:gmlcov': WCS_NS.gmlcov,
    'xmlns:swe': WCS_NS.swe,
    'xmlns:xlink': WCS_NS.xlink,
    'xmlns:xsi': WCS_NS.xsi,
    ...(options.eo ? { 'xmlns:wcseo': WCS_NS.wcseo, 'xmlns:eop': WCS_NS.eop, 'xmlns:om': WCS_NS.om } : {}),
  };
}
