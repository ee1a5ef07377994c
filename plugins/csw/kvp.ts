/**
 * The KVP binding (GET query strings and application/x-www-form-urlencoded POSTs), CSW 2.0.2
 * §10.x.2 and CSW 3.0 §7.x.2 tables: parameter names are case-insensitive (core/ows KVP).
 */
import { CRS84 } from '../../core/filter/index.js';
import { invalidParameterValue, missingParameterValue, parseBbox, parseTimeValue, type KvpParams } from '../../core/ows/index.js';
import { filterOfKvp, sortOfKvp } from './constraint.js';
import { canonicalName, parseNamespaceParameter, qualify, type NamespaceScope } from './names.js';
import {
  ELEMENT_SETS,
  type CswRequest,
  type DescribeRecordRequest,
  type DomainQuery,
  type ElementSet,
  type GetRecordByIdRequest,
  type GetRecordsRequest,
  type HarvestRequest,
  type QualifiedName,
  type RequestOrigin,
} from './requests.js';
import type { RequestHead } from './request-head.js';
import { PROFILES, type CswVersion } from './versions.js';

function elementSet(kvp: KvpParams, name = 'ELEMENTSETNAME'): ElementSet | undefined {
  return kvp.has(name) ? kvp.oneOf(name, ELEMENT_SETS, { caseInsensitive: true }) : undefined;
}

function typeNames(kvp: KvpParams, name: string, scope: NamespaceScope, defaultNamespace: string): QualifiedName[] {
  return kvp
    .list(name)
    .flatMap((t) => t.split(/\s+/))
    .filter((t) => t !== '')
    .map((t) => qualify(t, scope, defaultNamespace, name));
}

function startPosition(kvp: KvpParams): number {
  return kvp.optionalInt('STARTPOSITION', { min: 1 }) ?? 1;
}

function getRecords(kvp: KvpParams, version: CswVersion, origin: RequestOrigin): GetRecordsRequest {
  const profile = PROFILES[version];
  const scope = parseNamespaceParameter(kvp.optional('NAMESPACE'));
  const names = typeNames(kvp, 'TYPENAMES', scope, profile.csw);
  if (names.length === 0) {
    // 2.0.2 requires typeNames (Table 29); 3.0 queries csw:Record when it is left out.
    if (version === '2.0.2') throw missingParameterValue('TYPENAMES');
    names.push({ namespace: profile.csw, local: 'Record', written: 'csw:Record' });
  }
  const elementNames = kvp.list('ELEMENTNAME').filter((n) => n.trim() !== '').map((n) => qualify(n, scope, profile.csw, 'ELEMENTNAME'));
  const set = elementSet(kvp);
  if (set !== undefined && elementNames.length > 0) throw invalidParameterValue('ELEMENTNAME', 'ElementSetName and ElementName are mutually exclusive');
  const constraint = kvp.optional('CONSTRAINT');
  const request: GetRecordsRequest = {
    operation: 'GetRecords',
    version,
    origin,
    requestId: kvp.optional('REQUESTID'),
    resultType: kvp.has('RESULTTYPE') ? kvp.oneOf('RESULTTYPE', ['hits', 'results', 'validate'] as const, { caseInsensitive: true }) : undefined,
    outputFormat: kvp.optional('OUTPUTFORMAT'),
    outputSchema: kvp.optional('OUTPUTSCHEMA'),
    startPosition: startPosition(kvp),
    maxRecords: kvp.optionalInt('MAXRECORDS', { min: 0 }),
    typeNames: names,
    elementSet: set,
    elementNames: elementNames.length > 0 ? elementNames : undefined,
    constraint: constraint !== undefined && constraint.trim() !== '' ? filterOfKvp(constraint, kvp.optional('CONSTRAINTLANGUAGE'), scope) : undefined,
    sortBy: kvp.has('SORTBY') ? sortOfKvp(kvp.required('SORTBY'), scope) : undefined,
    distributedSearch: kvp.optionalBoolean('DISTRIBUTEDSEARCH', false),
    responseHandler: kvp.optional('RESPONSEHANDLER'),
  };
  if (version === '3.0.0') request.openSearch = openSearchParameters(kvp);
  return request;
}

/** CSW 3.0 §7.3.3 OpenSearch parameters of the KVP GetRecords (q, bbox, time, recordIds). */
function openSearchParameters(kvp: KvpParams): GetRecordsRequest['openSearch'] {
  const out: NonNullable<GetRecordsRequest['openSearch']> = {};
  const q = kvp.optional('q');
  if (q !== undefined && q.trim() !== '') out.q = q;
  const bbox = kvp.list('bbox');
  if (bbox.length > 0) {
    // west,south,east,north in CRS84 degrees; west > east crosses the antimeridian.
    out.bbox = parseBbox(bbox, { axisOrder: 'xy', locator: 'bbox', allowCrs: false, defaultCrs: CRS84, allowAntimeridian: true }).xy;
  }
  const time = kvp.optional('time');
  if (time !== undefined && time.trim() !== '') {
    // One instant (reduced precision covers its unit) or an interval, either end open ('..' or empty).
    const value = parseTimeValue(time.trim(), { locator: 'time' });
    if (value.kind === 'period') throw invalidParameterValue('time', `time must be an ISO 8601 instant or start/end interval; got '${time}'`);
    if (value.begin) out.start = value.begin.toISOString();
    if (value.end) out.end = value.end.toISOString();
  }
  const ids = kvp.list('recordIds');
  if (ids.length > 0) out.ids = ids;
  return Object.keys(out).length > 0 ? out : undefined;
}

function getRecordById(kvp: KvpParams, version: CswVersion, origin: RequestOrigin): GetRecordByIdRequest {
  const ids = kvp.list('ID', { required: true }).map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw missingParameterValue('ID');
  if (version === '3.0.0' && ids.length > 1) throw invalidParameterValue('ID', 'CSW 3.0 GetRecordById takes one identifier; use GetRecords with recordIds for several');
  return { operation: 'GetRecordById', version, origin, ids, elementSet: elementSet(kvp), outputSchema: kvp.optional('OUTPUTSCHEMA'), outputFormat: kvp.optional('OUTPUTFORMAT') };
}

function getDomain(kvp: KvpParams, version: CswVersion, origin: RequestOrigin) {
  const scope = parseNamespaceParameter(kvp.optional('NAMESPACE'));
  const propertyParam = version === '3.0.0' ? (kvp.has('VALUEREFERENCE') ? 'VALUEREFERENCE' : 'PROPERTYNAME') : 'PROPERTYNAME';
  const properties = kvp.list(propertyParam).filter((p) => p.trim() !== '');
  const parameters = kvp.list('PARAMETERNAME').filter((p) => p.trim() !== '');
  if (properties.length + parameters.length === 0) throw missingParameterValue(version === '3.0.0' ? 'valueReference' : 'PropertyName', `GetDomain needs ${version === '3.0.0' ? 'valueReference' : 'PropertyName'} or ParameterName`);
  if (version === '2.0.2' && properties.length + parameters.length > 1) {
    throw invalidParameterValue(properties.length > 0 ? 'PropertyName' : 'ParameterName', 'CSW 2.0.2 GetDomain takes one PropertyName or one ParameterName');
  }
  const domains: DomainQuery[] = [
    ...properties.map((p): DomainQuery => ({ kind: 'property', name: canonicalName(p, scope) })),
    ...parameters.map((p): DomainQuery => ({ kind: 'parameter', name: p.trim() })),
  ];
  return { operation: 'GetDomain' as const, version, origin, domains };
}

function describeRecord(kvp: KvpParams, version: CswVersion, origin: RequestOrigin): DescribeRecordRequest {
  const scope = parseNamespaceParameter(kvp.optional('NAMESPACE'));
  return {
    operation: 'DescribeRecord',
    version,
    origin,
    typeNames: typeNames(kvp, 'TYPENAME', scope, PROFILES[version].csw),
    outputFormat: kvp.optional('OUTPUTFORMAT'),
    schemaLanguage: kvp.optional('SCHEMALANGUAGE'),
  };
}

function harvest(kvp: KvpParams, version: CswVersion, origin: RequestOrigin): HarvestRequest {
  return {
    operation: 'Harvest',
    version,
    origin,
    source: kvp.required('SOURCE'),
    resourceType: kvp.required('RESOURCETYPE'),
    resourceFormat: kvp.optional('RESOURCEFORMAT'),
    harvestInterval: kvp.optional('HARVESTINTERVAL'),
    responseHandler: kvp.optional('RESPONSEHANDLER'),
  };
}

/** The head of a KVP request: what the pipeline checks before the operation's own parameters are read. */
export function kvpHead(kvp: KvpParams, url: string): RequestHead {
  const origin: RequestOrigin = { binding: 'kvp', url };
  return {
    binding: 'kvp',
    operation: kvp.optional('REQUEST'),
    service: kvp.optional('SERVICE'),
    version: kvp.optional('VERSION'),
    acceptVersions: kvp.has('ACCEPTVERSIONS') ? kvp.list('ACCEPTVERSIONS') : undefined,
    parse(operation, version): CswRequest {
      switch (operation) {
        case 'GetCapabilities':
          return {
            operation,
            origin,
            acceptVersions: kvp.has('ACCEPTVERSIONS') ? kvp.list('ACCEPTVERSIONS') : undefined,
            sections: kvp.has('SECTIONS') ? kvp.list('SECTIONS') : undefined,
            acceptFormats: kvp.has('ACCEPTFORMATS') ? kvp.list('ACCEPTFORMATS') : undefined,
            updateSequence: kvp.optional('UPDATESEQUENCE'),
          };
        case 'DescribeRecord':
          return describeRecord(kvp, version!, origin);
        case 'GetRecords':
          return getRecords(kvp, version!, origin);
        case 'GetRecordById':
          return getRecordById(kvp, version!, origin);
        case 'GetDomain':
          return getDomain(kvp, version!, origin);
        case 'Harvest':
          return harvest(kvp, version!, origin);
        case 'Transaction':
          throw invalidParameterValue('REQUEST', 'Transaction requests are XML documents sent with POST (CSW 2.0.2 §10.11.2)');
      }
    },
  };
}
