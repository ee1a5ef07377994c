/**
 * The two CSW versions this plugin speaks and what differs between them: namespaces, the OWS
 * Common version of capabilities and exceptions, the filter encoding, the record format. A
 * request's version is read from its `version` (KVP), its root namespace (XML) or, for
 * GetCapabilities, negotiated from AcceptVersions (core/ows).
 */
import type { OwsCommonVersion } from '../../core/ows/index.js';
import { CSW_NS } from './namespaces.js';

export type CswVersion = '2.0.2' | '3.0.0';
export const CSW_VERSIONS: readonly CswVersion[] = ['2.0.2', '3.0.0'];

export interface CswProfile {
  version: CswVersion;
  /** Namespace of the operations and of csw:Record. */
  csw: string;
  ows: OwsCommonVersion;
  owsNs: string;
  /** The filter namespace its Constraint carries (ogc for FES 1.1, fes for FES 2.0) and the constraint version it names. */
  filterNs: string;
  filterVersion: string;
  /** xsi:schemaLocation of discovery and publication responses. */
  discoverySchema: string;
  publicationSchema: string;
  /** ExceptionReport version attribute: the OWS 1.0 report names its own version (1.2.0 in CSW 2.0.2's examples); OWS 2.0 fixes 2.0.x. */
  reportVersion: string;
  /** The catalogue metadata format that writes csw:Record for this version. */
  recordFormat: string;
  /** GetRecords resultType default: 'hits' in 2.0.2 (§10.8.4.2); 3.0 returns results. */
  defaultResultType: 'hits' | 'results';
}

export const PROFILES: Readonly<Record<CswVersion, CswProfile>> = {
  '2.0.2': {
    version: '2.0.2',
    csw: CSW_NS.csw202,
    ows: '1.0.0',
    owsNs: CSW_NS.ows10,
    filterNs: CSW_NS.ogc,
    filterVersion: '1.1.0',
    discoverySchema: `${CSW_NS.csw202} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd`,
    publicationSchema: `${CSW_NS.csw202} http://schemas.opengis.net/csw/2.0.2/CSW-publication.xsd`,
    reportVersion: '1.2.0',
    recordFormat: 'dublin-core',
    defaultResultType: 'hits',
  },
  '3.0.0': {
    version: '3.0.0',
    csw: CSW_NS.csw30,
    ows: '2.0.0',
    owsNs: CSW_NS.ows20,
    filterNs: CSW_NS.fes20,
    filterVersion: '2.0.0',
    discoverySchema: `${CSW_NS.csw30} http://schemas.opengis.net/cat/csw/3.0/cswAll.xsd`,
    publicationSchema: `${CSW_NS.csw30} http://schemas.opengis.net/cat/csw/3.0/cswAll.xsd`,
    reportVersion: '2.0.0',
    recordFormat: 'dublin-core-3',
    defaultResultType: 'results',
  },
};

/** The version whose namespace an XML request's root element is in, if any. */
export function versionOfNamespace(namespace: string): CswVersion | undefined {
  if (namespace === CSW_NS.csw202) return '2.0.2';
  if (namespace === CSW_NS.csw30) return '3.0.0';
  return undefined;
}

/** '3.0' and '3' name 3.0.0 too: clients write the short form the 3.0 namespace uses. */
export function normaliseVersion(value: string): string {
  const v = value.trim();
  return v === '3.0' || v === '3' ? '3.0.0' : v;
}
