/** Namespace URIs and canonical schema locations that OGC documents written here declare. */
export const NS = {
  ows10: 'http://www.opengis.net/ows',
  ows11: 'http://www.opengis.net/ows/1.1',
  ows20: 'http://www.opengis.net/ows/2.0',
  ogc: 'http://www.opengis.net/ogc',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xml: 'http://www.w3.org/XML/1998/namespace',
  // GML: 3.2 (ISO 19139:2007, O&M 2.0, EOP) and the pre-3.2 namespace (GML 2, 3.0, 3.1).
  gml32: 'http://www.opengis.net/gml/3.2',
  gml: 'http://www.opengis.net/gml',
  // ISO 19139 metadata (19115/19119/19115-2).
  gmd: 'http://www.isotc211.org/2005/gmd',
  gco: 'http://www.isotc211.org/2005/gco',
  gmx: 'http://www.isotc211.org/2005/gmx',
  gmi: 'http://www.isotc211.org/2005/gmi',
  srv: 'http://www.isotc211.org/2005/srv',
  // Catalogue records: CSW 2.0.2 and 3.0, Dublin Core elements and terms.
  csw202: 'http://www.opengis.net/cat/csw/2.0.2',
  csw30: 'http://www.opengis.net/cat/csw/3.0',
  dc: 'http://purl.org/dc/elements/1.1/',
  dct: 'http://purl.org/dc/terms/',
  // Observations and Measurements 2.0 and its Earth Observation profile (OGC 10-157r4, EOP 2.1).
  om20: 'http://www.opengis.net/om/2.0',
  eop21: 'http://www.opengis.net/eop/2.1',
  opt21: 'http://www.opengis.net/opt/2.1',
  sar21: 'http://www.opengis.net/sar/2.1',
} as const;

export const SCHEMA_LOCATION = {
  ows10ExceptionReport: 'http://schemas.opengis.net/ows/1.0.0/owsExceptionReport.xsd',
  ows11ExceptionReport: 'http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd',
  ows20ExceptionReport: 'http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd',
  ows10All: 'http://schemas.opengis.net/ows/1.0.0/owsAll.xsd',
  ows11All: 'http://schemas.opengis.net/ows/1.1.0/owsAll.xsd',
  ows20All: 'http://schemas.opengis.net/ows/2.0/owsAll.xsd',
  wms130Exceptions: 'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd',
  gmd: 'http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd',
  srv: 'http://schemas.opengis.net/iso/19139/20070417/srv/1.0/srv.xsd',
  csw202Record: 'http://schemas.opengis.net/csw/2.0.2/record.xsd',
  csw30Record: 'http://schemas.opengis.net/cat/csw/3.0/record.xsd',
  eop21: 'http://schemas.opengis.net/eompom/1.1/xsd/eop.xsd',
  opt21: 'http://schemas.opengis.net/eompom/1.1/xsd/opt.xsd',
  sar21: 'http://schemas.opengis.net/eompom/1.1/xsd/sar.xsd',
} as const;
