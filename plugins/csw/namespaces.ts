/** Namespaces CSW requests and responses use (core/ows NS where it has them), and the prefixes this plugin writes them with. */
import { NS } from '../../core/ows/index.js';

export const CSW_NS = {
  csw202: NS.csw202,
  csw30: NS.csw30,
  dc: NS.dc,
  dct: NS.dct,
  ows10: NS.ows10,
  ows20: NS.ows20,
  ogc: NS.ogc,
  fes20: 'http://www.opengis.net/fes/2.0',
  gml: NS.gml,
  gml32: NS.gml32,
  gmd: NS.gmd,
  gco: NS.gco,
  apiso: 'http://www.opengis.net/cat/csw/apiso/1.0',
  xlink: NS.xlink,
  xsi: NS.xsi,
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
