/**
 * Reads a request in the JSON Profile of XACML 3.0 v1.1: category shorthands (AccessSubject,
 * Resource...) as members or CategoryId values, Category arrays, data type shorthands
 * ("integer") and inference from JSON values, single values or arrays, xpathExpression
 * objects, Content as XML text, MultiRequests.
 */
import { T, dataType, dataTypeByShortName } from './datatypes.js';
import { XacmlSyntaxError } from './errors.js';
import { CATEGORY_SHORTHANDS } from './json-profile.js';
import { checkedValue } from './request-xml.js';
import type { AttributeValue, RequestAttribute, RequestCategory, XacmlRequest } from './types.js';
import { parseSafeXml } from './xml-dom.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bool(o: Json, name: string, where: string): boolean {
  const v = o[name];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new XacmlSyntaxError(`${where}.${name} must be a boolean`);
  return v;
}

function typeUri(name: unknown, where: string): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new XacmlSyntaxError(`${where}.DataType must be a string`);
  const t = dataTypeByShortName(name) ?? dataType(name);
  if (!t) throw new XacmlSyntaxError(`unknown DataType '${name}' at ${where}`);
  return t.id;
}

/** The data type a JSON value implies when DataType is absent (JSON Profile 3.3.1). */
function inferred(values: unknown[], where: string): string {
  let type: string | undefined;
  for (const v of values) {
    const t = typeof v === 'boolean' ? T.boolean : typeof v === 'number' ? (Number.isInteger(v) ? T.integer : T.double)
      : typeof v === 'string' ? T.string : isObject(v) && 'XPath' in v ? T.xpathExpression : undefined;
    if (!t) throw new XacmlSyntaxError(`unsupported value at ${where}`);
    if (type && type !== t) {
      if ((type === T.integer && t === T.double) || (type === T.double && t === T.integer)) { type = T.double; continue; }
      throw new XacmlSyntaxError(`values of different types at ${where}; give a DataType`);
    }
    type = t;
  }
  return type ?? T.string;
}

function readValue(v: unknown, type: string, where: string): AttributeValue {
  if (type === T.xpathExpression) {
    if (!isObject(v) || typeof v.XPath !== 'string' || typeof v.XPathCategory !== 'string') throw new XacmlSyntaxError(`an xpathExpression needs XPath and XPathCategory at ${where}`);
    const namespaces: Record<string, string> = {};
    if (v.Namespaces !== undefined) {
      if (!Array.isArray(v.Namespaces)) throw new XacmlSyntaxError(`Namespaces must be an array at ${where}`);
      for (const ns of v.Namespaces) {
        if (!isObject(ns) || typeof ns.Namespace !== 'string') throw new XacmlSyntaxError(`bad namespace declaration at ${where}`);
        if (typeof ns.Prefix === 'string') namespaces[ns.Prefix] = ns.Namespace;
      }
    }
    return checkedValue({ dataType: type, value: v.XPath, xpathCategory: CATEGORY_SHORTHANDS[v.XPathCategory] ?? v.XPathCategory, namespaces }, `at ${where}`);
  }
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new XacmlSyntaxError(`unsupported value at ${where}`);
  return checkedValue({ dataType: type, value: v }, `at ${where}`);
}

function readAttribute(o: unknown, where: string): RequestAttribute {
  if (!isObject(o)) throw new XacmlSyntaxError(`${where} must be an object`);
  if (typeof o.AttributeId !== 'string') throw new XacmlSyntaxError(`${where}.AttributeId must be a string`);
  if (!('Value' in o)) throw new XacmlSyntaxError(`${where}.Value is missing`);
  const raw = Array.isArray(o.Value) ? o.Value : [o.Value];
  const type = typeUri(o.DataType, where) ?? inferred(raw, where);
  if (o.Issuer !== undefined && typeof o.Issuer !== 'string') throw new XacmlSyntaxError(`${where}.Issuer must be a string`);
  return {
    attributeId: o.AttributeId,
    ...(o.Issuer !== undefined ? { issuer: o.Issuer as string } : {}),
    includeInResult: bool(o, 'IncludeInResult', where),
    values: raw.map((v, i) => readValue(v, type, `${where}.Value[${i}]`)),
  };
}

function readCategory(o: unknown, categoryId: string | undefined, where: string): RequestCategory {
  if (!isObject(o)) throw new XacmlSyntaxError(`${where} must be an object`);
  let category = categoryId;
  if (category === undefined) {
    if (typeof o.CategoryId !== 'string') throw new XacmlSyntaxError(`${where}.CategoryId must be a string`);
    category = CATEGORY_SHORTHANDS[o.CategoryId] ?? o.CategoryId;
  }
  const out: RequestCategory = { category, attributes: [] };
  if (o.Id !== undefined) {
    if (typeof o.Id !== 'string') throw new XacmlSyntaxError(`${where}.Id must be a string`);
    out.id = o.Id;
  }
  if (o.Attribute !== undefined) {
    const list = Array.isArray(o.Attribute) ? o.Attribute : [o.Attribute];
    out.attributes = list.map((a, i) => readAttribute(a, `${where}.Attribute[${i}]`));
  }
  if (o.Content !== undefined) {
    if (typeof o.Content !== 'string') throw new XacmlSyntaxError(`${where}.Content must be XML text`);
    const text = o.Content.trimStart().startsWith('<') ? o.Content : Buffer.from(o.Content, 'base64').toString('utf8');
    let root;
    try {
      root = parseSafeXml(text).root();
    } catch (err) {
      throw new XacmlSyntaxError(`${where}.Content: ${(err as Error).message}`);
    }
    if (root) out.content = root;
  }
  return out;
}

export function parseJsonRequest(textOrObject: string | object): XacmlRequest {
  let doc: unknown = textOrObject;
  if (typeof textOrObject === 'string') {
    try {
      doc = JSON.parse(textOrObject);
    } catch (err) {
      throw new XacmlSyntaxError(`the request is not JSON: ${(err as Error).message}`);
    }
  }
  if (!isObject(doc) || !isObject(doc.Request)) throw new XacmlSyntaxError('a JSON request is an object with a Request member');
  const r = doc.Request;
  const request: XacmlRequest = {
    returnPolicyIdList: bool(r, 'ReturnPolicyIdList', 'Request'),
    combinedDecision: bool(r, 'CombinedDecision', 'Request'),
    categories: [],
  };
  if (r.XPathVersion !== undefined) {
    if (typeof r.XPathVersion !== 'string') throw new XacmlSyntaxError('Request.XPathVersion must be a string');
    request.xpathVersion = r.XPathVersion;
  }
  for (const [key, value] of Object.entries(r)) {
    if (key === 'Category') {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((c, i) => request.categories.push(readCategory(c, undefined, `Request.Category[${i}]`)));
    } else if (CATEGORY_SHORTHANDS[key]) {
      const list = Array.isArray(value) ? value : [value];
      list.forEach((c, i) => request.categories.push(readCategory(c, CATEGORY_SHORTHANDS[key], `Request.${key}[${i}]`)));
    } else if (key === 'MultiRequests') {
      if (!isObject(value) || !Array.isArray(value.RequestReference)) throw new XacmlSyntaxError('Request.MultiRequests needs a RequestReference array');
      request.multiRequests = value.RequestReference.map((ref, i) => {
        if (!isObject(ref) || !Array.isArray(ref.ReferenceId) || !ref.ReferenceId.every((x) => typeof x === 'string')) throw new XacmlSyntaxError(`Request.MultiRequests.RequestReference[${i}].ReferenceId must be an array of strings`);
        return ref.ReferenceId as string[];
      });
    } else if (!['ReturnPolicyIdList', 'CombinedDecision', 'XPathVersion'].includes(key)) {
      throw new XacmlSyntaxError(`unknown member Request.${key}`);
    }
  }
  if (!request.categories.length) throw new XacmlSyntaxError('a Request needs at least one category');
  return request;
}
