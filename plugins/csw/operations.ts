/**
 * What each operation accepts, per version: one table that both the capabilities document
 * (OperationsMetadata) and GetDomain's ParameterName answers read, so they cannot disagree.
 */
import type { DomainInfo, OperationInfo } from '../../core/ows/index.js';
import type { CswEnv } from './context.js';
import { CSW_NS, XML_SCHEMA_LANGUAGES } from './namespaces.js';
import { openSearchDescriptionUrl } from './opensearch.js';
import { outputSchemas, OUTPUT_FORMATS } from './record-encoding.js';
import { ELEMENT_SETS, type OperationName } from './requests.js';
import { CSW_VERSIONS, type CswVersion } from './versions.js';

/** Resource types Harvest reads (harvest.ts). */
export const HARVEST_RESOURCE_TYPES = [CSW_NS.csw202, CSW_NS.csw30, CSW_NS.gmd, CSW_NS.atom, CSW_NS.opensearch] as const;

export const GET_CAPABILITIES_SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'Filter_Capabilities'] as const;

/** The operations the version offers (DescribeRecord is gone from 3.0; Transaction and Harvest follow config). */
export function operationsOf(version: CswVersion, env: Pick<CswEnv, 'config'>): OperationName[] {
  const ops: OperationName[] = ['GetCapabilities'];
  if (version === '2.0.2') ops.push('DescribeRecord');
  ops.push('GetRecords', 'GetRecordById', 'GetDomain');
  if (env.config.transactions) ops.push('Transaction');
  if (env.config.harvest.enabled) ops.push('Harvest');
  return ops;
}

/** Parameter name → allowed values, per operation (the names as the version's tables spell them). */
export function operationParameters(version: CswVersion, env: Pick<CswEnv, 'config' | 'catalogue' | 'queryables' | 'registry' | 'serverUrl'>): Record<OperationName, Record<string, string[]>> {
  const schemas = outputSchemas(env.catalogue.formats, version).map((s) => s.uri);
  const typeNames = ['csw:Record', 'gmd:MD_Metadata'];
  const formats = [...OUTPUT_FORMATS];
  const capabilityFormats = openSearchDescriptionUrl(env) && version === '3.0.0' ? [...formats, 'application/opensearchdescription+xml'] : formats;
  const properties = env.queryables.names();
  const params: Record<OperationName, Record<string, string[]>> = {
    GetCapabilities: { sections: [...GET_CAPABILITIES_SECTIONS], acceptVersions: [...CSW_VERSIONS], acceptFormats: capabilityFormats },
    DescribeRecord: { typeName: typeNames, outputFormat: formats, schemaLanguage: [XML_SCHEMA_LANGUAGES[0]] },
    GetRecords: {
      typeNames,
      outputFormat: formats,
      outputSchema: schemas,
      ...(version === '2.0.2' ? { resultType: ['hits', 'results', 'validate'] } : {}),
      ElementSetName: [...ELEMENT_SETS],
      CONSTRAINTLANGUAGE: ['FILTER', 'CQL_TEXT'],
    },
    GetRecordById: { outputSchema: schemas, outputFormat: formats, ElementSetName: [...ELEMENT_SETS] },
    GetDomain: { ParameterName: [], [version === '3.0.0' ? 'ValueReference' : 'PropertyName']: properties },
    Transaction: { TransactionSchemas: env.catalogue.formats.list().filter((f) => f.decode && f.schema).map((f) => f.schema!) },
    Harvest: { ResourceType: [...HARVEST_RESOURCE_TYPES] },
  };
  const offered = operationsOf(version, env);
  params.GetDomain.ParameterName = offered.flatMap((op) => Object.keys(params[op]).map((p) => `${op}.${p}`));
  return params;
}

/** ows:Operation entries of the capabilities document. */
export function operationsMetadata(version: CswVersion, env: CswEnv): OperationInfo[] {
  const params = operationParameters(version, env);
  const get = `${env.baseUrl}?`;
  const post = env.baseUrl;
  const domain = (name: string, values: string[]): DomainInfo => ({ name, values });
  return operationsOf(version, env).map((op) => {
    const parameters = Object.entries(params[op])
      .filter(([, values]) => values.length > 0)
      .map(([name, values]) => domain(name, values));
    const constraints: DomainInfo[] = [];
    if (op === 'GetRecords') {
      const names = env.queryables.names();
      constraints.push(domain('SupportedDublinCoreQueryables', names.filter((n) => /^(dc|dct|csw|ows):/.test(n))));
      constraints.push(domain('SupportedISOQueryables', names.filter((n) => n.startsWith('apiso:'))));
      constraints.push(domain('AdditionalQueryables', names.filter((n) => !n.includes(':'))));
      const osdd = openSearchDescriptionUrl(env);
      if (version === '3.0.0' && osdd) constraints.push(domain('OpenSearchDescriptionDocument', [osdd]));
    }
    // Transaction is XML only; Harvest and everything else take both bindings.
    return { name: op, get: op === 'Transaction' ? undefined : get, post, parameters, constraints: constraints.filter((c) => (c.values ?? []).length > 0) };
  });
}

/** CSW 3.0 conformance classes (OGC 12-176r7 Table 1) and whether they hold here. */
export function conformanceClasses30(config: CswEnv['config'], openSearch: boolean): Array<[string, boolean]> {
  return [
    ['OpenSearch', openSearch],
    ['GetCapabilities-XML', true],
    ['GetRecordById-XML', true],
    ['GetRecords-Basic-XML', true],
    ['GetRecords-Distributed-XML', false],
    ['GetRecords-Distributed-KVP', false],
    ['GetRecords-Async-XML', false],
    ['GetRecords-Async-KVP', false],
    ['GetDomain-XML', true],
    ['GetDomain-KVP', true],
    ['Transaction', config.transactions],
    ['Harvest-Basic-XML', config.harvest.enabled],
    ['Harvest-Basic-KVP', config.harvest.enabled],
    ['Harvest-Async-XML', false],
    ['Harvest-Async-KVP', false],
    ['Harvest-Periodic-XML', false],
    ['Harvest-Periodic-KVP', false],
    ['Filter-CQL', true],
    ['Filter-FES-XML', true],
    ['Filter-FES-KVP', true],
    // FES 2.0's own KVP parameters (RESOURCEID, FILTER_LANGUAGE...) are not read; CONSTRAINT is.
    ['Filter-FES-KVP-Advanced', false],
    ['CSW-Response', true],
    ['ATOM-response', false],
  ];
}

export const CSW30_CONFORMANCE_BASE = 'http://www.opengis.net/spec/csw/3.0/conf/';

/** Service-wide constraints. */
export function serviceConstraints(version: CswVersion, env: CswEnv): DomainInfo[] {
  const out: DomainInfo[] = [
    { name: 'PostEncoding', values: ['XML'] },
    { name: 'MaxRecordDefault', values: [String(env.config.maxRecordDefault)] },
  ];
  if (version === '3.0.0') {
    for (const [name, holds] of conformanceClasses30(env.config, openSearchDescriptionUrl(env) !== undefined)) out.push({ name: `${CSW30_CONFORMANCE_BASE}${name}`, values: [holds ? 'TRUE' : 'FALSE'] });
    out.push({ name: 'CoreQueryables', values: ['Title', 'Subject', 'Abstract', 'AnyText', 'Type', 'Identifier', 'Modified', 'BoundingBox'] });
    out.push({ name: 'CoreSortables', values: ['Title', 'Type', 'Modified', 'Identifier'] });
    out.push({ name: 'SupportedGMLVersions', values: [CSW_NS.gml32, CSW_NS.gml] });
  }
  return out;
}
