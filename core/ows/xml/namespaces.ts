/** Namespace URIs and canonical schema locations that OGC documents written here declare. */
export const NS = {
  ows10: 'http://www.opengis.net/ows',
  ows11: 'http://www.opengis.net/ows/1.1',
  ows20: 'http://www.opengis.net/ows/2.0',
  ogc: 'http://www.opengis.net/ogc',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

export const SCHEMA_LOCATION = {
  ows10ExceptionReport: 'http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd',
  ows11ExceptionReport: 'http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd',
  ows20ExceptionReport: 'http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd',
  ows10All: 'http://schemas.opengis.net/ows/1.0.0/owsAll.xsd',
  ows11All: 'http://schemas.opengis.net/ows/1.1.0/owsAll.xsd',
  ows20All: 'http://schemas.opengis.net/ows/2.0/owsAll.xsd',
  wms130Exceptions: 'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd',
} as const;
