/**
 * The XML binding (POST bodies, wfs.xsd of 2.0 and 1.1.0): the root element names the operation
 * and its namespace the version. Elements are read by local name; QNames in attributes and text
 * resolve through the declarations in scope where they are written.
 */
import { getCapabilitiesOfXml, invalidParameterValue, missingParameterValue, OwsException, serializeXmlTreeNode, type XmlTreeNode } from '../../core/ows/index.js';
import { writtenName } from './names.js';
import type { RequestHead } from './request-head.js';
import type {
  AdHocQuery,
  FilterInput,
  GetFeatureRequest,
  LockAction,
  LockFeatureRequest,
  PropertyUpdate,
  QueryExpression,
  SortSpec,
  StoredQueryCall,
  TransactionAction,
  WfsRequest,
  WrittenName,
} from './requests.js';
import { versionOfNamespace, type WfsVersion } from './versions.js';

const children = (node: XmlTreeNode, ...names: string[]) => node.children.filter((c) => names.includes(c.name));
const child = (node: XmlTreeNode, ...names: string[]) => node.children.find((c) => names.includes(c.name));

function integerAttr(node: XmlTreeNode, name: string, min: number): number | undefined {
  const text = node.attrs[name];
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw invalidParameterValue(name, `${name} must be an integer of at least ${min}; got '${text}'`);
  return n;
}

function qnames(text: string | undefined, node: XmlTreeNode): WrittenName[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .filter((t) => t !== '')
    .map((t) => writtenName(t.replace(/^\(|\)$/g, ''), node.scope));
}

function filterOf(node: XmlTreeNode | undefined, locator: string): FilterInput | undefined {
  if (!node) return undefined;
  return { node, text: serializeXmlTreeNode(node), locator };
}

function sortOf(node: XmlTreeNode | undefined): SortSpec[] | undefined {
  if (!node) return undefined;
  const items = children(node, 'SortProperty').map((p): SortSpec => {
    const name = child(p, 'ValueReference', 'PropertyName');
    if (!name || name.text === '') throw missingParameterValue('SortBy', 'SortProperty needs a ValueReference');
    const order = (child(p, 'SortOrder')?.text ?? 'ASC').toUpperCase();
    if (!['ASC', 'DESC'].includes(order)) throw invalidParameterValue('SortBy', `SortOrder must be ASC or DESC; got '${order}'`);
    return { property: writtenName(name.text, name.scope), direction: order === 'DESC' ? 'desc' : 'asc' };
  });
  return items.length > 0 ? items : undefined;
}

/** An attribute by name ignoring case: OWSLib writes `typenames` on wfs:Query. */
function attrIgnoringCase(node: XmlTreeNode, ...names: string[]): string | undefined {
  for (const name of names) if (node.attrs[name] !== undefined) return node.attrs[name];
  const wanted = names.map((n) => n.toLowerCase());
  const key = Object.keys(node.attrs).find((k) => wanted.includes(k.toLowerCase()));
  return key === undefined ? undefined : node.attrs[key];
}

function adHocQuery(q: XmlTreeNode): AdHocQuery {
  const typeNames = qnames(attrIgnoringCase(q, 'typeNames', 'typeName'), q);
  if (typeNames.length === 0) throw missingParameterValue('typeNames', 'Query needs a typeNames attribute');
  const properties = children(q, 'PropertyName').map((p) => writtenName(p.text, p.scope));
  return {
    kind: 'adhoc',
    handle: q.attrs.handle,
    typeNames,
    filter: filterOf(child(q, 'Filter'), q.attrs.handle ?? 'Filter'),
    sortBy: sortOf(child(q, 'SortBy')),
    propertyNames: properties.length > 0 ? properties : undefined,
    srsName: q.attrs.srsName?.trim() || undefined,
  };
}

function storedQuery(q: XmlTreeNode): StoredQueryCall {
  const id = q.attrs.id?.trim();
  if (!id) throw missingParameterValue('id', 'StoredQuery needs an id attribute');
  const parameters: Record<string, string> = {};
  for (const p of children(q, 'Parameter')) {
    const name = p.attrs.name;
    if (!name) throw missingParameterValue('name', 'A stored query Parameter needs a name');
    parameters[name] = p.children.length > 0 ? p.children.map(serializeXmlTreeNode).join('') : p.text;
  }
  return { kind: 'stored', handle: q.attrs.handle, id, parameters, caseInsensitive: false };
}

function queryExpressions(root: XmlTreeNode, optional = false): QueryExpression[] {
  const queries = root.children.flatMap((c): QueryExpression[] => {
    if (c.name === 'Query') return [adHocQuery(c)];
    if (c.name === 'StoredQuery') return [storedQuery(c)];
    return [];
  });
  if (queries.length === 0 && !optional) throw missingParameterValue('Query', `${root.name} needs a Query or StoredQuery`);
  return queries;
}

function allSome(node: XmlTreeNode, name: string): LockAction {
  const value = (node.attrs[name] ?? 'ALL').trim();
  if (value !== 'ALL' && value !== 'SOME') throw invalidParameterValue(name, `${name} must be ALL or SOME; got '${value}'`);
  return value;
}

/** 1.1.0 wfs:Lock: one feature type and an optional ogc:Filter. */
function lockElement(node: XmlTreeNode): AdHocQuery {
  return { kind: 'adhoc', handle: node.attrs.handle, typeNames: [typeNameAttr(node)], filter: filterOf(child(node, 'Filter'), node.attrs.handle ?? 'Filter') };
}

/**
 * LockFeature: 2.0 query expressions, or a lockId alone to restart that lock's expiry (both at
 * once is refused, as 09-025r2 CR 336 says); 1.1.0 wfs:Lock elements.
 */
function lockFeature(root: XmlTreeNode, version: WfsVersion): LockFeatureRequest {
  const lockId = root.attrs.lockId?.trim() || undefined;
  const locks = children(root, 'Lock').map(lockElement);
  const queries = [...locks, ...queryExpressions(root, true)];
  if (lockId !== undefined && queries.length > 0) throw invalidParameterValue('lockId', 'lockId renews an existing lock and takes no query; give one or the other');
  if (lockId === undefined && queries.length === 0) throw missingParameterValue(version === '2.0.0' ? 'Query' : 'Lock', `LockFeature needs ${version === '2.0.0' ? 'a Query, a StoredQuery or a lockId' : 'a Lock element'}`);
  return { operation: 'LockFeature', version, handle: root.attrs.handle, queries, lockId, expiry: integerAttr(root, 'expiry', 1), lockAction: allSome(root, 'lockAction') };
}

function getFeature(root: XmlTreeNode, version: WfsVersion): GetFeatureRequest {
  const resultType = root.attrs.resultType ?? 'results';
  if (resultType !== 'results' && resultType !== 'hits') throw invalidParameterValue('resultType', `resultType must be results or hits; got '${resultType}'`);
  return {
    operation: 'GetFeature',
    version,
    origin: { binding: 'xml' },
    queries: queryExpressions(root),
    count: integerAttr(root, 'count', 0) ?? integerAttr(root, 'maxFeatures', 0),
    startIndex: integerAttr(root, 'startIndex', 0) ?? 0,
    resultType,
    outputFormat: root.attrs.outputFormat?.trim() || undefined,
    namespaces: { ...root.scope },
  };
}

function property(p: XmlTreeNode): PropertyUpdate {
  const name = child(p, 'ValueReference', 'Name');
  if (!name || name.text === '') throw missingParameterValue('ValueReference', 'An Update Property needs a ValueReference (Name in 1.1.0)');
  const action = name.attrs.action ?? 'replace';
  if (action !== 'replace' && action !== 'remove') throw new OwsException('OptionNotSupported', `Update action '${action}' is not supported (replace, remove)`, { locator: 'action' });
  const value = action === 'remove' ? undefined : child(p, 'Value');
  return { name: writtenName(name.text, name.scope), value };
}

function typeNameAttr(node: XmlTreeNode): WrittenName {
  const text = node.attrs.typeName;
  if (!text || text.trim() === '') throw missingParameterValue('typeName', `${node.name} needs a typeName attribute`);
  return writtenName(text, node.scope);
}

function requiredFilter(node: XmlTreeNode, locator: string): FilterInput {
  const filter = filterOf(child(node, 'Filter'), locator);
  if (!filter) throw missingParameterValue('Filter', `${node.name} needs a Filter`);
  return filter;
}

function transactionAction(node: XmlTreeNode, index: number): TransactionAction | undefined {
  const handle = node.attrs.handle;
  const locator = handle ?? `${node.name}[${index + 1}]`;
  switch (node.name) {
    case 'Insert':
      if (node.children.length === 0) throw missingParameterValue('Insert', 'Insert needs at least one feature');
      return { kind: 'insert', handle, srsName: node.attrs.srsName, features: node.children, inputFormat: node.attrs.inputFormat, idgen: node.attrs.idgen };
    case 'Update': {
      const properties = children(node, 'Property').map(property);
      if (properties.length === 0) throw missingParameterValue('Property', 'Update needs at least one Property');
      return { kind: 'update', handle, typeName: typeNameAttr(node), srsName: node.attrs.srsName, properties, filter: filterOf(child(node, 'Filter'), locator), inputFormat: node.attrs.inputFormat };
    }
    case 'Replace': {
      const feature = node.children.find((c) => c.name !== 'Filter');
      if (!feature) throw missingParameterValue('Replace', 'Replace needs a feature');
      return { kind: 'replace', handle, srsName: node.attrs.srsName, feature, filter: requiredFilter(node, locator), inputFormat: node.attrs.inputFormat };
    }
    case 'Delete':
      return { kind: 'delete', handle, typeName: typeNameAttr(node), filter: requiredFilter(node, locator) };
    case 'Native':
      if ((node.attrs.safeToIgnore ?? '').trim() === 'true') return undefined;
      throw new OwsException('OperationNotSupported', `Native action of vendor '${node.attrs.vendorId ?? ''}' is not supported`, { locator });
    case 'LockId':
      return undefined;
    default:
      throw invalidParameterValue(locator, `Unknown Transaction action '${node.name}' (Insert, Update, Replace, Delete)`);
  }
}

/** The head of an XML request: its root element, parsed safely by the caller. */
export function xmlHead(root: XmlTreeNode): RequestHead {
  const acceptVersions = child(root, 'AcceptVersions');
  return {
    binding: 'xml',
    operation: root.name,
    service: root.attrs.service,
    version: root.attrs.version,
    acceptVersions: acceptVersions ? children(acceptVersions, 'Version').map((v) => v.text) : undefined,
    versionOfNamespace: versionOfNamespace(root.namespace),
    parse(operation, version): WfsRequest {
      switch (operation) {
        case 'GetCapabilities':
          return { operation, ...getCapabilitiesOfXml(root) };
        case 'DescribeFeatureType':
          return { operation, version: version!, typeNames: children(root, 'TypeName').map((t) => writtenName(t.text, t.scope)), outputFormat: root.attrs.outputFormat?.trim() || undefined };
        case 'GetFeature':
          return getFeature(root, version!);
        case 'GetPropertyValue': {
          const valueReference = root.attrs.valueReference;
          if (!valueReference) throw missingParameterValue('valueReference');
          const request = getFeature(root, version!);
          if (request.queries.length !== 1) throw invalidParameterValue('Query', 'GetPropertyValue takes one query');
          return { ...request, operation: 'GetPropertyValue', valueReference };
        }
        case 'GetFeatureWithLock':
          return { ...getFeature(root, version!), operation: 'GetFeatureWithLock', handle: root.attrs.handle, expiry: integerAttr(root, 'expiry', 1), lockAction: allSome(root, 'lockAction') };
        case 'LockFeature':
          return lockFeature(root, version!);
        case 'ListStoredQueries':
          return { operation, version: version! };
        case 'DescribeStoredQueries':
          return { operation, version: version!, ids: children(root, 'StoredQueryId').map((s) => s.text).filter((s) => s !== '') };
        case 'Transaction': {
          const actions = root.children.map(transactionAction).filter((a): a is TransactionAction => a !== undefined);
          const lockId = (root.attrs.lockId ?? child(root, 'LockId')?.text)?.trim() || undefined;
          return { operation, version: version!, handle: root.attrs.handle, srsName: root.attrs.srsName, lockId, releaseAction: allSome(root, 'releaseAction'), actions, answerAs100: root.attrs.version?.trim() === '1.0.0',
            writtenIn11Namespace: version === '2.0.0' && versionOfNamespace(root.namespace) === '1.1.0' };
        }
        default:
          throw invalidParameterValue('request', `${operation} is not offered`);
      }
    },
  };
}
