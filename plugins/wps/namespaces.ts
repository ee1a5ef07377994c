/** Namespaces and schema locations of the WPS 2.0 documents written here. */
import { NS } from '../../core/ows/index.js';

export const WPS_NS = 'http://www.opengis.net/wps/2.0';
export const WPS_SCHEMA = 'http://schemas.opengis.net/wps/2.0/wps.xsd';
/** OWS Context 1.0 Atom encoding (OGC 12-084r2), the application package of OGC Testbed-13/14 and the EOEPCA ADES. */
export const OWC_NS = 'http://www.opengis.net/owc/1.0';
export const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** The OWS Context offering code of a CWL application package (OGC 20-089, Testbed-14 ADES). */
export const CWL_OFFERING_CODE = 'http://www.opengis.net/eoc/applicationContext/cwl';

export const XML_TYPE = 'application/xml; charset=utf-8';

/** xmlns declarations of a WPS 2.0 response root, with its schema location. */
export function wpsRootAttrs(): Record<string, string> {
  return {
    'xmlns:wps': WPS_NS,
    'xmlns:ows': NS.ows20,
    'xmlns:xlink': NS.xlink,
    'xmlns:xsi': NS.xsi,
    'xsi:schemaLocation': `${WPS_NS} ${WPS_SCHEMA}`,
  };
}
