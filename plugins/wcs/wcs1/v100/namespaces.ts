/** Namespaces and schema locations of WCS 1.0.0 documents (OGC 03-065r6). */
export const WCS10_NS = {
  wcs: 'http://www.opengis.net/wcs',
  gml: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  ogc: 'http://www.opengis.net/ogc',
} as const;

export const WCS10_SCHEMAS = {
  capabilities: 'http://schemas.opengis.net/wcs/1.0.0/wcsCapabilities.xsd',
  describeCoverage: 'http://schemas.opengis.net/wcs/1.0.0/describeCoverage.xsd',
  exception: 'http://schemas.opengis.net/wcs/1.0.0/OGC-exception.xsd',
} as const;

/** The root attributes of a WCS 1.0.0 document validated by `schema`. */
export function wcs10RootAttrs(schema: string): Record<string, string> {
  return {
    xmlns: WCS10_NS.wcs,
    'xmlns:gml': WCS10_NS.gml,
    'xmlns:xlink': WCS10_NS.xlink,
    'xmlns:xsi': WCS10_NS.xsi,
    'xsi:schemaLocation': `${WCS10_NS.wcs} ${schema}`,
    version: '1.0.0',
  };
}

/** The exception format WCS 1.0.0 defines (ServiceExceptionReport 1.2.0). */
export const WCS10_EXCEPTION_FORMAT = 'application/vnd.ogc.se_xml';
