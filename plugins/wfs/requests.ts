/**
 * What each operation asks, read the same way from both bindings (kvp.ts, xml-request.ts). Names
 * are kept as written (with the namespaces the request bound), filters as parsed XML: both are
 * resolved against the feature types when the request runs (query-plan.ts), where the default CRS
 * and the property names are known.
 */
import type { XmlTreeNode } from '../../core/ows/index.js';
import type { WfsVersion } from './versions.js';

export const OPERATION_NAMES = [
  'GetCapabilities',
  'DescribeFeatureType',
  'GetFeature',
  'GetPropertyValue',
  'ListStoredQueries',
  'DescribeStoredQueries',
  'Transaction',
  'GetFeatureWithLock',
  'LockFeature',
  'CreateStoredQuery',
  'DropStoredQuery',
  'GetGmlObject',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** A QName as written, with the namespace its prefix is bound to in the request (undefined: unbound or none). */
export interface WrittenName {
  written: string;
  prefix: string;
  local: string;
  namespace: string | undefined;
}

export interface SortSpec {
  property: WrittenName;
  direction: 'asc' | 'desc';
}

/** A filter as received: the parsed element, and its text for next/previous links. */
export interface FilterInput {
  node: XmlTreeNode;
  text: string;
  /** The request parameter (or element) it came in: the exceptions' locator. */
  locator: string;
}

export interface AdHocQuery {
  kind: 'adhoc';
  handle?: string;
  typeNames: WrittenName[];
  filter?: FilterInput;
  /** KVP BBOX: the items as written (4 numbers and an optional CRS). */
  bbox?: string[];
  /** RESOURCEID / FEATUREID, as written (gml:id form). */
  resourceIds?: string[];
  sortBy?: SortSpec[];
  /** Properties to return (all when absent). */
  propertyNames?: WrittenName[];
  srsName?: string;
}

export interface StoredQueryCall {
  kind: 'stored';
  handle?: string;
  id: string;
  /** Parameter values by name as sent (KVP values, or the text / serialised content of wfs:Parameter). */
  parameters: Record<string, string>;
  /** KVP: names are case-insensitive, so they are compared so too. */
  caseInsensitive: boolean;
  /** KVP SRSNAME given with the stored query: the CRS of the returned geometries. */
  srsName?: string;
}

export type QueryExpression = AdHocQuery | StoredQueryCall;

/** How the request arrived, for building next/previous links. */
export type RequestOrigin = { binding: 'kvp'; entries: Array<[string, string]> } | { binding: 'xml' };

export interface GetCapabilitiesRequest {
  operation: 'GetCapabilities';
  acceptVersions?: string[];
  sections?: string[];
  acceptFormats?: string[];
  updateSequence?: string;
}

export interface DescribeFeatureTypeRequest {
  operation: 'DescribeFeatureType';
  version: WfsVersion;
  typeNames: WrittenName[];
  outputFormat?: string;
}

export interface GetFeatureRequest {
  operation: 'GetFeature';
  version: WfsVersion;
  origin: RequestOrigin;
  queries: QueryExpression[];
  count?: number;
  startIndex: number;
  resultType: 'results' | 'hits';
  outputFormat?: string;
  /** Prefix → namespace the request declared (kept in links). */
  namespaces: Record<string, string>;
}

export interface GetPropertyValueRequest extends Omit<GetFeatureRequest, 'operation'> {
  operation: 'GetPropertyValue';
  valueReference: string;
}

export interface ListStoredQueriesRequest {
  operation: 'ListStoredQueries';
  version: WfsVersion;
}

export interface DescribeStoredQueriesRequest {
  operation: 'DescribeStoredQueries';
  version: WfsVersion;
  ids: string[];
}

export type LockAction = 'ALL' | 'SOME';

export interface LockFeatureRequest {
  operation: 'LockFeature';
  version: WfsVersion;
  handle?: string;
  /** What to lock; empty when `lockId` renews a lock (2.0). */
  queries: QueryExpression[];
  lockId?: string;
  /** As written: seconds in 2.0, minutes in 1.1.0 (absent: the version's default). */
  expiry?: number;
  lockAction: LockAction;
}

export interface GetFeatureWithLockRequest extends Omit<GetFeatureRequest, 'operation'> {
  operation: 'GetFeatureWithLock';
  handle?: string;
  expiry?: number;
  lockAction: LockAction;
}

export interface PropertyUpdate {
  name: WrittenName;
  /** The wfs:Value element (absent: set to null). */
  value?: XmlTreeNode;
}

export type TransactionAction =
  | { kind: 'insert'; handle?: string; srsName?: string; features: XmlTreeNode[]; inputFormat?: string; idgen?: string }
  | { kind: 'update'; handle?: string; typeName: WrittenName; srsName?: string; properties: PropertyUpdate[]; filter?: FilterInput; inputFormat?: string }
  | { kind: 'replace'; handle?: string; srsName?: string; feature: XmlTreeNode; filter: FilterInput; inputFormat?: string }
  | { kind: 'delete'; handle?: string; typeName: WrittenName; filter: FilterInput };

export interface TransactionRequest {
  operation: 'Transaction';
  version: WfsVersion;
  handle?: string;
  srsName?: string;
  lockId?: string;
  releaseAction: LockAction;
  actions: TransactionAction[];
  /** Written as WFS 1.0.0 (QGIS): answered with a 1.0.0 WFS_TransactionResponse. */
  answerAs100?: boolean;
  /**
   * version="2.0.0" in the 1.1.0 namespace (GDAL's WFS driver): inserted ids are given as
   * ogc:FeatureId too, which GDAL's batched commit (ogr2ogr -append) reads, whatever the version.
   */
  writtenIn11Namespace?: boolean;
}

export type WfsRequest =
  | GetCapabilitiesRequest
  | DescribeFeatureTypeRequest
  | GetFeatureRequest
  | GetPropertyValueRequest
  | GetFeatureWithLockRequest
  | LockFeatureRequest
  | ListStoredQueriesRequest
  | DescribeStoredQueriesRequest
  | TransactionRequest;
