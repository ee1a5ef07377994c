/** Reads an XACML 3.0 XML Request (core schema wd-17) into an XacmlRequest. */
import type { Element as XmlElement } from 'libxmljs2';
import { T, dataType, parseAttributeValue } from './datatypes.js';
import { XacmlSyntaxError } from './errors.js';
import type { AttributeValue, RequestAttribute, RequestCategory, XacmlRequest } from './types.js';
import { attr, elementChildren, isXacml, namespacesInScope, parseSafeXml } from './xml-dom.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

function bool(el: XmlElement, name: string, fallback: boolean): boolean {
  const v = attr(el, name);
  if (v === undefined) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new XacmlSyntaxError(`${name} must be true or false, not '${v}' (line ${el.line()})`);
}

function need(el: XmlElement, name: string): string {
  const v = attr(el, name);
  if (v === undefined) throw new XacmlSyntaxError(`${el.name()} without ${name} (line ${el.line()})`);
  return v;
}

/** Checks a request value against its type (syntax-error when it does not parse). */
export function checkedValue(v: AttributeValue, where: string): AttributeValue {
  const type = dataType(v.dataType);
  if (!type) throw new XacmlSyntaxError(`unknown DataType '${v.dataType}' ${where}`);
  try {
    parseAttributeValue(type, v.value, v.xpathCategory, v.namespaces);
  } catch (err) {
    throw new XacmlSyntaxError(`${(err as Error).message} ${where}`);
  }
  return v;
}

function readAttribute(el: XmlElement): RequestAttribute {
  const values: AttributeValue[] = [];
  for (const v of elementChildren(el)) {
    if (!isXacml(v, 'AttributeValue')) throw new XacmlSyntaxError(`unexpected ${v.name()} in Attribute (line ${v.line()})`);
    const type = need(v, 'DataType');
    const value: AttributeValue = { dataType: type, value: v.text() };
    if (dataType(type)?.id === T.xpathExpression) {
      value.xpathCategory = need(v, 'XPathCategory');
      value.namespaces = namespacesInScope(v);
    }
    values.push(checkedValue(value, `(line ${v.line()})`));
  }
  const issuer = attr(el, 'Issuer');
  return { attributeId: need(el, 'AttributeId'), ...(issuer !== undefined ? { issuer } : {}), includeInResult: bool(el, 'IncludeInResult', false), values };
}

function readCategory(el: XmlElement): RequestCategory {
  const category: RequestCategory = { category: need(el, 'Category'), attributes: [] };
  const id = el.attr('id')?.namespace()?.href() === XML_NS ? el.attr('id')!.value() : undefined;
  if (id) category.id = id;
  for (const child of elementChildren(el)) {
    if (isXacml(child, 'Attribute')) category.attributes.push(readAttribute(child));
    else if (isXacml(child, 'Content')) {
      const [content, ...more] = elementChildren(child);
      if (!content || more.length) throw new XacmlSyntaxError(`Content must hold exactly one element (line ${child.line()})`);
      category.content = content;
    } else throw new XacmlSyntaxError(`unexpected ${child.name()} in Attributes (line ${child.line()})`);
  }
  return category;
}

export function parseXmlRequest(text: string): XacmlRequest {
  let root: XmlElement | null;
  try {
    root = parseSafeXml(text).root();
  } catch (err) {
    throw new XacmlSyntaxError((err as Error).message);
  }
  if (!root || !isXacml(root, 'Request')) throw new XacmlSyntaxError(`the document element must be an XACML 3.0 Request, not ${root ? `{${root.namespace()?.href() ?? ''}}${root.name()}` : 'nothing'}`);
  const request: XacmlRequest = {
    returnPolicyIdList: bool(root, 'ReturnPolicyIdList', false),
    combinedDecision: bool(root, 'CombinedDecision', false),
    categories: [],
  };
  for (const child of elementChildren(root)) {
    if (!isXacml(child)) throw new XacmlSyntaxError(`unexpected ${child.name()} in Request (line ${child.line()})`);
    switch (child.name()) {
      case 'Attributes': request.categories.push(readCategory(child)); break;
      case 'RequestDefaults': {
        const xpath = elementChildren(child).find((e) => e.name() === 'XPathVersion');
        if (xpath) request.xpathVersion = xpath.text().trim();
        break;
      }
      case 'MultiRequests': {
        request.multiRequests = elementChildren(child).map((ref) => {
          if (ref.name() !== 'RequestReference') throw new XacmlSyntaxError(`unexpected ${ref.name()} in MultiRequests (line ${ref.line()})`);
          return elementChildren(ref).map((a) => need(a, 'ReferenceId'));
        });
        break;
      }
      default: throw new XacmlSyntaxError(`unexpected ${child.name()} in Request (line ${child.line()})`);
    }
  }
  if (!request.categories.length) throw new XacmlSyntaxError('a Request needs at least one Attributes element');
  return request;
}
