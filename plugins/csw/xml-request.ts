/**
 * The XML binding (POST bodies, CSW-discovery / CSW-publication and cswAll schemas): the root
 * element names the operation and its namespace the version. Elements are read by local name
 * within the request's namespace; QNames resolve through the declarations in scope.
 */
import { getCapabilitiesOfXml, invalidParameterValue, missingParameterValue, serializeXmlTreeNode, type XmlTreeNode } from '../../core/ows/index.js';
import { filterOfConstraintElement, filterOfElement, sortOfElement } from './constraint.js';
import { canonicalName, qualify } from './names.js';
import {
  ELEMENT_SETS,
  type CswRequest,
  type DomainQuery,
  type ElementSet,
  type GetRecordsRequest,
  type RecordPropertyUpdate,
  type RequestOrigin,
  type TransactionAction,
} from './requests.js';
import type { RequestHead } from './request-head.js';
import { PROFILES, versionOfNamespace, type CswVersion } from './versions.js';

const children = (node: XmlTreeNode, name: string) => node.children.filter((c) => c.name === name);
const child = (node: XmlTreeNode, name: string) => node.children.find((c) => c.name === name);

function requiredChild(node: XmlTreeNode, name: string): XmlTreeNode {
  const found = child(node, name);
  if (!found) throw missingParameterValue(name, `${node.name} needs a ${name} element`);
  return found;
}

function integerAttr(node: XmlTreeNode, name: string, min: number): number | undefined {
  const text = node.attrs[name];
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) throw invalidParameterValue(name, `${name} must be an integer of at least ${min}; got '${text}'`);
  return n;
}

function elementSetOf(node: XmlTreeNode | undefined): ElementSet | undefined {
  if (!node) return undefined;
  const value = node.text.trim().toLowerCase();
  const match = ELEMENT_SETS.find((s) => s === value);
  if (!match) throw invalidParameterValue('ElementSetName', `ElementSetName must be one of ${ELEMENT_SETS.join(', ')}; got '${node.text}'`);
  return match;
}

function booleanAttr(node: XmlTreeNode, name: string, fallback: boolean): boolean {
  const text = node.attrs[name]?.trim().toLowerCase();
  if (text === undefined) return fallback;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalidParameterValue(name, `${name} must be true or false; got '${node.attrs[name]}'`);
}

function getRecords(root: XmlTreeNode, version: CswVersion, origin: RequestOrigin): GetRecordsRequest {
  const profile = PROFILES[version];
  const query = child(root, 'Query');
  if (!query) throw missingParameterValue('Query', 'GetRecords needs a csw:Query (no other query languages are supported)');
  const typeNamesText = query.attrs.typeNames;
  if (typeNamesText === undefined || typeNamesText.trim() === '') throw missingParameterValue('typeNames', 'Query needs a typeNames attribute');
  const elementNames = children(query, 'ElementName').map((n) => qualify(n.text, n.scope, profile.csw, 'ElementName'));
  const set = child(query, 'ElementSetName');
  if (set && elementNames.length > 0) throw invalidParameterValue('ElementName', 'ElementSetName and ElementName are mutually exclusive');
  const resultType = root.attrs.resultType;
  if (resultType !== undefined && !['hits', 'results', 'validate'].includes(resultType)) throw invalidParameterValue('resultType', `resultType must be hits, results or validate; got '${resultType}'`);
  const constraint = child(query, 'Constraint');
  const sortBy = child(query, 'SortBy');
  return {
    operation: 'GetRecords',
    version,
    origin,
    requestId: root.attrs.requestId,
    resultType: resultType as GetRecordsRequest['resultType'],
    outputFormat: root.attrs.outputFormat,
    outputSchema: root.attrs.outputSchema,
    startPosition: integerAttr(root, 'startPosition', 1) ?? 1,
    maxRecords: integerAttr(root, 'maxRecords', 0),
    typeNames: typeNamesText.trim().split(/\s+/).map((t) => qualify(t, query.scope, profile.csw, 'typeNames')),
    elementSet: set ? elementSetOf(set) : elementNames.length > 0 ? undefined : 'summary',
    elementNames: elementNames.length > 0 ? elementNames : undefined,
    constraint: constraint ? filterOfConstraintElement(constraint) : undefined,
    sortBy: sortBy ? sortOfElement(sortBy) : undefined,
    distributedSearch: child(root, 'DistributedSearch') !== undefined,
    responseHandler: child(root, 'ResponseHandler')?.text,
  };
}

function getDomain(root: XmlTreeNode, version: CswVersion, origin: RequestOrigin) {
  const domains: DomainQuery[] = [];
  for (const c of root.children) {
    if (c.name === 'PropertyName' || c.name === 'ValueReference') domains.push({ kind: 'property', name: canonicalName(c.text, c.scope) });
    else if (c.name === 'ParameterName') domains.push({ kind: 'parameter', name: c.text.trim() });
    else if (c.name === 'Filter' && version === '3.0.0') {
      const last = domains[domains.length - 1];
      if (!last || last.kind !== 'property') throw invalidParameterValue('Filter', 'A GetDomain Filter follows the ValueReference it restricts');
      last.filter = filterOfElement(c, 'Filter');
    }
  }
  if (domains.length === 0) throw missingParameterValue(version === '3.0.0' ? 'ValueReference' : 'PropertyName', 'GetDomain needs a PropertyName (ValueReference) or a ParameterName');
  if (version === '2.0.2' && domains.length > 1) throw invalidParameterValue(domains[1]!.kind === 'property' ? 'PropertyName' : 'ParameterName', 'CSW 2.0.2 GetDomain takes one PropertyName or one ParameterName');
  return { operation: 'GetDomain' as const, version, origin, domains };
}

function recordProperty(node: XmlTreeNode): RecordPropertyUpdate {
  const name = requiredChild(node, 'Name');
  const value = child(node, 'Value');
  return {
    name: canonicalName(name.text, name.scope),
    value: value === undefined ? undefined : { text: value.text, element: value.children[0] },
  };
}

function transactionAction(node: XmlTreeNode): TransactionAction {
  const handle = node.attrs.handle;
  switch (node.name) {
    case 'Insert': {
      if (node.children.length === 0) throw missingParameterValue('Insert', 'Insert needs at least one record');
      return { kind: 'insert', handle, typeName: node.attrs.typeName, documents: node.children.map(serializeXmlTreeNode) };
    }
    case 'Update': {
      const properties = children(node, 'RecordProperty');
      if (properties.length === 0) {
        const record = node.children.find((c) => c.name !== 'Constraint');
        if (!record) throw missingParameterValue('Update', 'Update needs a record, or RecordProperty elements and a Constraint');
        return { kind: 'update', handle, document: serializeXmlTreeNode(record) };
      }
      const constraint = child(node, 'Constraint');
      if (!constraint) throw missingParameterValue('Constraint', 'An Update of RecordProperty elements needs a Constraint');
      return { kind: 'update', handle, properties: properties.map(recordProperty), constraint: filterOfConstraintElement(constraint) };
    }
    case 'Delete':
      return { kind: 'delete', handle, typeName: node.attrs.typeName, constraint: filterOfConstraintElement(requiredChild(node, 'Constraint')) };
    default:
      throw invalidParameterValue(node.name, `Unknown Transaction action '${node.name}' (Insert, Update, Delete)`);
  }
}

/** The head of an XML request: its root element, parsed safely (parseXmlElementTree) by the caller. */
export function xmlHead(root: XmlTreeNode): RequestHead {
  const origin: RequestOrigin = { binding: 'xml', root };
  const acceptVersions = child(root, 'AcceptVersions');
  return {
    binding: 'xml',
    operation: root.name,
    service: root.attrs.service,
    version: root.attrs.version,
    acceptVersions: acceptVersions ? children(acceptVersions, 'Version').map((v) => v.text) : undefined,
    versionOfNamespace: versionOfNamespace(root.namespace),
    parse(operation, version): CswRequest {
      switch (operation) {
        case 'GetCapabilities':
          return { operation, origin, ...getCapabilitiesOfXml(root) };
        case 'DescribeRecord':
          return {
            operation,
            version: version!,
            origin,
            typeNames: children(root, 'TypeName').map((t) => qualify(t.text, t.scope, PROFILES[version!].csw, 'TypeName')),
            outputFormat: root.attrs.outputFormat,
            schemaLanguage: root.attrs.schemaLanguage,
          };
        case 'GetRecords':
          return getRecords(root, version!, origin);
        case 'GetRecordById': {
          const ids = children(root, 'Id').map((i) => i.text).filter((i) => i !== '');
          if (ids.length === 0) throw missingParameterValue('Id', 'GetRecordById needs an Id');
          return { operation, version: version!, origin, ids, elementSet: elementSetOf(child(root, 'ElementSetName')), outputSchema: root.attrs.outputSchema, outputFormat: root.attrs.outputFormat };
        }
        case 'GetDomain':
          return getDomain(root, version!, origin);
        case 'Transaction': {
          const actions = root.children.map(transactionAction);
          if (actions.length === 0) throw missingParameterValue('Transaction', 'Transaction needs an Insert, Update or Delete');
          return { operation, version: version!, origin, requestId: root.attrs.requestId, verboseResponse: booleanAttr(root, 'verboseResponse', false), actions };
        }
        case 'Harvest':
          return {
            operation,
            version: version!,
            origin,
            source: requiredChild(root, 'Source').text,
            resourceType: requiredChild(root, 'ResourceType').text,
            resourceFormat: child(root, 'ResourceFormat')?.text,
            harvestInterval: child(root, 'HarvestInterval')?.text,
            responseHandler: child(root, 'ResponseHandler')?.text,
          };
      }
    },
  };
}
