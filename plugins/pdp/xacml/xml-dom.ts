/** Small helpers over libxmljs2 elements, and the safe parse shared by policies and requests. */
import type { Element as XmlElement, Document as XmlDocument } from 'libxmljs2';
import { parseXmlDocument } from '../../../core/ows/xml/libxml.js';
import { XACML3_NS } from './types.js';

/** Parses XML with no DTD, no entity expansion and no network (core's guarded parser). */
export function parseSafeXml(text: string): XmlDocument {
  return parseXmlDocument(text, { maxDepth: 200 });
}

export function elementChildren(el: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of el.childNodes()) if (node.type() === 'element') out.push(node as XmlElement);
  return out;
}

export function isXacml(el: XmlElement, localName?: string): boolean {
  return el.namespace()?.href() === XACML3_NS && (localName === undefined || el.name() === localName);
}

export function attr(el: XmlElement, name: string): string | undefined {
  return el.attr(name)?.value();
}

/** Namespace bindings in scope at an element, for XPath (prefix -> URI; the default one is left out). */
export function namespacesInScope(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ns of el.namespaces()) {
    const prefix = ns.prefix();
    if (prefix && !(prefix in out)) out[prefix] = ns.href();
  }
  return out;
}

/** "Policy[PolicyId=x] > Rule[RuleId=y] > Condition": where a problem is, for messages. */
export function describe(el: XmlElement): string {
  const parts: string[] = [];
  for (let cur: XmlElement | null = el; cur && cur.type() === 'element'; ) {
    const id = attr(cur, 'PolicyId') ?? attr(cur, 'PolicySetId') ?? attr(cur, 'RuleId') ?? attr(cur, 'VariableId') ?? attr(cur, 'FunctionId');
    parts.unshift(id ? `${cur.name()}[${id}]` : cur.name());
    const parent = cur.parent();
    cur = parent && (parent as XmlElement).type?.() === 'element' ? (parent as XmlElement) : null;
  }
  return `${parts.join(' > ')} (line ${el.line()})`;
}
