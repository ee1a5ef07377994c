/** What the capabilities list per version: operations with their parameters, and the service constraints of WFS 2.0 (09-025r2 Table 13). */
import type { DomainInfo, OperationInfo } from '../../core/ows/index.js';
import type { WfsConfig } from './config.js';
import { featureFormats } from './output-formats.js';
import { GML311_FORMAT, GML32_FORMAT, type WfsVersion } from './versions.js';

/** The operations offered in a version (Transaction when the config allows it). */
export function offeredOperations(version: WfsVersion, config: WfsConfig): string[] {
  const ops = version === '2.0.0'
    ? ['GetCapabilities', 'DescribeFeatureType', 'GetFeature', 'GetPropertyValue', 'ListStoredQueries', 'DescribeStoredQueries']
    : ['GetCapabilities', 'DescribeFeatureType', 'GetFeature'];
  if (config.transactions) ops.push('Transaction');
  if (lockingOffered(config)) ops.push('GetFeatureWithLock', 'LockFeature');
  return ops;
}

/** Locking WFS: locks mean something only where features can be changed. */
export function lockingOffered(config: WfsConfig): boolean {
  return config.transactions && config.locking;
}

export function operationsMetadata(version: WfsVersion, config: WfsConfig, baseUrl: string): OperationInfo[] {
  const get = `${baseUrl}?`;
  const post = baseUrl;
  const formats = featureFormats(version);
  const schemaFormat = version === '2.0.0' ? GML32_FORMAT : GML311_FORMAT;
  const params: Record<string, DomainInfo[]> = {
    GetCapabilities: [
      { name: 'AcceptVersions', values: ['2.0.0', '1.1.0'] },
      ...(version === '2.0.0' ? [{ name: 'AcceptFormats', values: ['text/xml'] }] : []),
      { name: 'Sections', values: ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'FeatureTypeList', 'Filter_Capabilities'] },
    ],
    DescribeFeatureType: [{ name: 'outputFormat', values: [schemaFormat] }],
    GetFeature: [
      { name: 'resultType', values: ['results', 'hits'] },
      { name: 'outputFormat', values: formats },
    ],
    GetPropertyValue: [
      { name: 'resultType', values: ['results', 'hits'] },
      { name: 'outputFormat', values: [GML32_FORMAT] },
    ],
    GetFeatureWithLock: [
      { name: 'resultType', values: ['results'] },
      { name: 'outputFormat', values: formats },
      ...(version === '2.0.0' ? [{ name: 'lockAction', values: ['ALL', 'SOME'] }] : []),
    ],
    LockFeature: [{ name: 'lockAction', values: ['ALL', 'SOME'] }],
    Transaction: [
      { name: 'inputFormat', values: [schemaFormat] },
      ...(version === '1.1.0' ? [{ name: 'idgen', values: ['GenerateNew', 'UseExisting'] }] : []),
      { name: 'releaseAction', values: ['ALL', 'SOME'] },
    ],
  };
  return offeredOperations(version, config).map((name) => ({
    name,
    get: name === 'Transaction' ? undefined : get,
    post,
    parameters: params[name],
  }));
}

const flag = (name: string, value: boolean): DomainInfo => ({ name, noValues: true, defaultValue: value ? 'TRUE' : 'FALSE' });

/** WFS 2.0 service constraints: the conformance classes this service meets, and its paging default. */
export function serviceConstraints(config: WfsConfig): DomainInfo[] {
  return [
    flag('ImplementsBasicWFS', true),
    flag('ImplementsTransactionalWFS', config.transactions),
    flag('ImplementsLockingWFS', lockingOffered(config)),
    flag('KVPEncoding', true),
    flag('XMLEncoding', true),
    flag('SOAPEncoding', false),
    flag('ImplementsInheritance', false),
    flag('ImplementsRemoteResolve', false),
    flag('ImplementsResultPaging', true),
    flag('ImplementsStandardJoins', false),
    flag('ImplementsSpatialJoins', false),
    flag('ImplementsTemporalJoins', false),
    flag('ImplementsFeatureVersioning', false),
    flag('ManageStoredQueries', false),
    flag('PagingIsTransactionSafe', false),
    { name: 'CountDefault', noValues: true, defaultValue: config.defaultCount },
    { name: 'QueryExpressions', values: ['wfs:Query', 'wfs:StoredQuery'] },
  ];
}

export const WFS20_CONFORMANCE_BASE = 'http://www.opengis.net/spec/wfs/2.0/conf/';

/**
 * The WFS 2.0 conformance classes (09-025r2 §2 and Annex A) this instance implements. The standard
 * names the classes but publishes no URIs for them; these follow the OGC /spec/.../conf/ pattern.
 */
export function conformanceClasses(config: WfsConfig): string[] {
  const classes = ['simple-wfs', 'basic-wfs', 'http-get', 'http-post', 'response-paging'];
  if (config.transactions) classes.push('transactional-wfs');
  if (lockingOffered(config)) classes.push('locking-wfs');
  return classes.map((c) => `${WFS20_CONFORMANCE_BASE}${c}`);
}
