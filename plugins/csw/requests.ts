/**
 * What a CSW request asks, whichever binding carried it (KVP on GET or a form POST, XML on
 * POST): kvp.ts and xml-request.ts each produce these, the operation files read only these.
 */
import type { Filter } from '../../core/filter/index.js';
import type { XmlTreeNode } from '../../core/ows/index.js';
import type { CswVersion } from './versions.js';

export type OperationName = 'GetCapabilities' | 'DescribeRecord' | 'GetRecords' | 'GetRecordById' | 'GetDomain' | 'Transaction' | 'Harvest';
export const OPERATION_NAMES: readonly OperationName[] = ['GetCapabilities', 'DescribeRecord', 'GetRecords', 'GetRecordById', 'GetDomain', 'Transaction', 'Harvest'];

export type ElementSet = 'brief' | 'summary' | 'full';
export const ELEMENT_SETS: readonly ElementSet[] = ['brief', 'summary', 'full'];

/** A QName resolved to its namespace (through the request's declarations or NAMESPACE parameter). */
export interface QualifiedName {
  namespace: string;
  local: string;
  /** As the client wrote it, for messages and echoes. */
  written: string;
}

/** How the request arrived, and what resultType=validate echoes: the URL (KVP) or the parsed body (XML). */
export type RequestOrigin = { binding: 'kvp'; url: string } | { binding: 'xml'; root: XmlTreeNode };

interface Base {
  origin: RequestOrigin;
}

export interface GetCapabilitiesRequest extends Base {
  operation: 'GetCapabilities';
  acceptVersions?: string[];
  sections?: string[];
  acceptFormats?: string[];
  updateSequence?: string;
}

/** Everything after version resolution carries the version it is answered in. */
interface Versioned extends Base {
  version: CswVersion;
}

export interface DescribeRecordRequest extends Versioned {
  operation: 'DescribeRecord';
  typeNames: QualifiedName[];
  outputFormat?: string;
  schemaLanguage?: string;
}

export interface SortProperty {
  /** Property name as written, prefix canonicalised (see names.ts). */
  property: string;
  direction: 'asc' | 'desc';
}

export interface GetRecordsRequest extends Versioned {
  operation: 'GetRecords';
  requestId?: string;
  resultType?: 'hits' | 'results' | 'validate';
  outputFormat?: string;
  outputSchema?: string;
  /** 1-based. */
  startPosition: number;
  maxRecords?: number;
  typeNames: QualifiedName[];
  elementSet?: ElementSet;
  elementNames?: QualifiedName[];
  /** The constraint as parsed; property names canonicalised, not yet mapped to the engine. */
  constraint?: Filter;
  sortBy?: SortProperty[];
  /** CSW 3.0 KVP OpenSearch-style parameters (q, bbox, time, recordIds), ANDed with the constraint. */
  openSearch?: { q?: string; bbox?: [number, number, number, number]; start?: string; end?: string; ids?: string[] };
  distributedSearch?: boolean;
  responseHandler?: string;
}

export interface GetRecordByIdRequest extends Versioned {
  operation: 'GetRecordById';
  ids: string[];
  elementSet?: ElementSet;
  outputSchema?: string;
  outputFormat?: string;
}

export interface DomainQuery {
  kind: 'property' | 'parameter';
  /** The name as the client wrote it (prefix canonicalised for properties). */
  name: string;
  /** CSW 3.0: the records whose values are counted. */
  filter?: Filter;
}

export interface GetDomainRequest extends Versioned {
  operation: 'GetDomain';
  domains: DomainQuery[];
}

/** A RecordProperty of an Update: the value as text, as an XML element (a BoundingBox), or absent (remove the property). */
export interface RecordPropertyUpdate {
  name: string;
  value?: { text: string; element?: XmlTreeNode };
}

export type TransactionAction =
  | { kind: 'insert'; handle?: string; typeName?: string; documents: string[] }
  | { kind: 'update'; handle?: string; document: string }
  | { kind: 'update'; handle?: string; properties: RecordPropertyUpdate[]; constraint: Filter }
  | { kind: 'delete'; handle?: string; typeName?: string; constraint: Filter };

export interface TransactionRequest extends Versioned {
  operation: 'Transaction';
  requestId?: string;
  verboseResponse: boolean;
  actions: TransactionAction[];
}

export interface HarvestRequest extends Versioned {
  operation: 'Harvest';
  source: string;
  resourceType: string;
  resourceFormat?: string;
  harvestInterval?: string;
  responseHandler?: string;
}

export type CswRequest =
  | GetCapabilitiesRequest
  | DescribeRecordRequest
  | GetRecordsRequest
  | GetRecordByIdRequest
  | GetDomainRequest
  | TransactionRequest
  | HarvestRequest;

/** A request whose version is known (every operation but GetCapabilities). */
export type VersionedRequest = Exclude<CswRequest, GetCapabilitiesRequest>;
