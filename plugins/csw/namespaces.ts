/** Namespaces CSW requests and responses use, and the prefixes this plugin writes them with. */
export const CSW_NS = {
  csw202: 'http://www.opengis.net/cat/csw/2.0.2',
  csw30: 'http://www.opengis.net/cat/csw/3.0',
  dc: 'http://purl.org/dc/elements/1.1/',
  dct: 'http://purl.org/dc/terms/',
  ows10: 'http://www.opengis.net/ows',
  ows20: 'http://www.opengis.net/ows/2.0',
  ogc: 'http://www.opengis.net/ogc',
  fes20: 'http://www.opengis.net/fes/2.0',
  gml: 'http://www.opengis.net/gml',
  gml32: 'http://www.opengis.net/gml/3.2',
  gmd: 'http://www.isotc211.org/2005/gmd',
  gco: 'http://www.isotc211.org/2005/gco',
  apiso: 'http://www.opengis.net/cat/csw/apiso/1.0',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  atom: 'http://www.w3.org/2005/Atom',
  opensearch: 'http://a9.com/-/spec/opensearch/1.1/',
} as const;

/**
 * The prefix each known namespace is read as, whatever prefix a request binds it to, so that
 * `d:title` with `xmlns:d="http://purl.org/dc/elements/1.1/"` is `dc:title`. Both CSW versions
 * read as `csw`, both OWS versions as `ows`.
 */
export const CANONICAL_PREFIX: Readonly<Record<string, string>> = {
  [CSW_NS.csw202]: 'csw',
  [CSW_NS.csw30]: 'csw',
  [CSW_NS.dc]: 'dc',
  [CSW_NS.dct]: 'dct',
  [CSW_NS.ows10]: 'ows',
  [CSW_NS.ows20]: 'ows',
  [CSW_NS.gmd]: 'gmd',
  [CSW_NS.apiso]: 'apiso',
};

/** The W3C XML Schema language URI as DescribeRecord names it (and its older spelling). */
export const XML_SCHEMA_LANGUAGES = ['http://www.w3.org/XML/Schema', 'http://www.w3.org/2001/XMLSchema', 'XMLSCHEMA'] as const;
