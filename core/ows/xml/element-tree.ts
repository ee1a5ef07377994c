/**
 * A namespace-aware element tree of a request body, for services whose requests name things by
 * QName (CSW typeNames, WFS typeNames, property names) and embed documents of other namespaces
 * (a CSW Insert holding an ISO record). Parsed with the same safety scan as parseXmlFast.
 *
 * Nodes have the shape core/filter's FES reader takes (local `name`, `attrs` by local name,
 * `children`, trimmed `text`), so a filter element can be handed to parseFesFilter as it is.
 */
import { el, serializeXml, type XmlChild, type XmlElement } from './writer.js';
import { parseXmlFast } from './parse-fast.js';
import { xmlRejected, type SafeXmlOptions } from './input.js';

export interface XmlTreeNode {
  /** Local name. */
  name: string;
  /** Namespace URI of the element ('' when it has none). */
  namespace: string;
  /** The prefix it was written with ('' for none). */
  prefix: string;
  /** Attributes by local name (namespace declarations excluded). */
  attrs: Record<string, string>;
  /** Attributes as written: qualified name and value, in order (declarations excluded). */
  qualifiedAttrs: ReadonlyArray<readonly [string, string]>;
  children: XmlTreeNode[];
  /** The element's own text, concatenated and trimmed. */
  text: string;
  /** Child elements and text in document order (for re-serialising). */
  content: ReadonlyArray<XmlTreeNode | string>;
  /** In-scope prefix → namespace bindings ('' is the default namespace). */
  scope: Readonly<Record<string, string>>;
}

type OrderedNode = Record<string, unknown>;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Parses XML (DTDs and entities refused, limits applied) into its root element. */
export function parseXmlElementTree(xml: string | Uint8Array, options: SafeXmlOptions = {}): XmlTreeNode {
  const doc = parseXmlFast(xml, { ...options, parser: { preserveOrder: true, removeNSPrefix: false, trimValues: false } }) as unknown as OrderedNode[];
  const roots = doc.map((n) => toNode(n, { xml: XML_NS }, options)).filter((n): n is XmlTreeNode => n !== undefined);
  if (roots.length !== 1) throw xmlRejected('XML has no single root element', options);
  return roots[0]!;
}

function splitQName(qname: string): [string, string] {
  const colon = qname.indexOf(':');
  return colon === -1 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

function toNode(raw: OrderedNode, parentScope: Record<string, string>, options: SafeXmlOptions): XmlTreeNode | undefined {
  const qname = Object.keys(raw).find((k) => k !== ':@' && k !== '#text');
  if (qname === undefined || qname.startsWith('?')) return undefined;
  const rawAttrs = (raw[':@'] ?? {}) as Record<string, unknown>;
  let scope = parentScope;
  const qualifiedAttrs: Array<readonly [string, string]> = [];
  for (const [key, value] of Object.entries(rawAttrs)) {
    const name = key.replace(/^@_/, '');
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (scope === parentScope) scope = { ...parentScope };
      scope[name === 'xmlns' ? '' : name.slice(6)] = String(value);
    } else {
      qualifiedAttrs.push([name, String(value)]);
    }
  }
  const [prefix, local] = splitQName(qname);
  const namespace = scope[prefix];
  if (namespace === undefined && prefix !== '') throw xmlRejected(`XML uses the undeclared namespace prefix '${prefix}' (element ${qname})`, options);
  const attrs: Record<string, string> = {};
  for (const [name, value] of qualifiedAttrs) attrs[splitQName(name)[1]] = value;
  const children: XmlTreeNode[] = [];
  const content: Array<XmlTreeNode | string> = [];
  let text = '';
  for (const child of (raw[qname] ?? []) as OrderedNode[]) {
    if ('#text' in child) {
      const t = String(child['#text']);
      text += t;
      content.push(t);
    } else {
      const node = toNode(child, scope, options);
      if (node) {
        children.push(node);
        content.push(node);
      }
    }
  }
  return { name: local, namespace: namespace ?? '', prefix, attrs, qualifiedAttrs, children, text: text.trim(), content, scope };
}

/**
 * The namespace and local name of a QName written inside `node` (a typeNames entry, an
 * ElementName, a PropertyName): the prefix resolves through the node's in-scope declarations;
 * an unprefixed name takes `defaultNamespace` (not the XML default namespace, which does not
 * apply to QNames in text). Undefined for an undeclared prefix.
 */
export function resolveQName(qname: string, node: Pick<XmlTreeNode, 'scope'>, defaultNamespace = ''): { namespace: string; local: string } | undefined {
  const [prefix, local] = splitQName(qname.trim());
  if (prefix === '') return { namespace: defaultNamespace, local };
  const namespace = node.scope[prefix];
  return namespace === undefined ? undefined : { namespace, local };
}

/**
 * The element as a standalone document (no declaration): the prefixes it and its descendants use
 * are declared on it (a descendant that rebinds a prefix declares its own), as an embedded record
 * must be when it is decoded on its own.
 */
export function serializeXmlTreeNode(node: XmlTreeNode): string {
  const rootBindings: Record<string, string> = {};
  const collect = (n: XmlTreeNode) => {
    for (const prefix of usedPrefixes(n)) {
      const ns = n.scope[prefix];
      if (ns !== undefined && rootBindings[prefix] === undefined && node.scope[prefix] === ns) rootBindings[prefix] = ns;
    }
    n.children.forEach(collect);
  };
  collect(node);
  try {
    return serializeXml(toElement(node, {}, rootBindings), { declaration: false });
  } catch (err) {
    // The writer accepts ASCII names only; the parser took wider XML names.
    throw xmlRejected(`XML element or attribute names outside ASCII are not supported: ${(err as Error).message}`);
  }
}

function usedPrefixes(n: XmlTreeNode): string[] {
  const out = [n.prefix];
  for (const [name] of n.qualifiedAttrs) {
    const [p] = splitQName(name);
    if (p !== '' && p !== 'xml') out.push(p);
  }
  return out;
}

/** `inherited`: what the written ancestors declare; `declareHere`: bindings to write on this element. */
function toElement(node: XmlTreeNode, inherited: Record<string, string>, declareHere: Record<string, string> = {}): XmlElement {
  const bindings = { ...inherited, ...declareHere };
  const attrs: Record<string, string> = {};
  for (const [prefix, ns] of Object.entries(declareHere)) attrs[prefix === '' ? 'xmlns' : `xmlns:${prefix}`] = ns;
  for (const prefix of usedPrefixes(node)) {
    const ns = node.scope[prefix];
    if (ns === undefined || bindings[prefix] === ns) continue;
    bindings[prefix] = ns;
    attrs[prefix === '' ? 'xmlns' : `xmlns:${prefix}`] = ns;
  }
  for (const [name, value] of node.qualifiedAttrs) attrs[name] = value;
  const qname = node.prefix ? `${node.prefix}:${node.name}` : node.name;
  const children: XmlChild[] = node.content.map((c) => (typeof c === 'string' ? c : toElement(c, bindings)));
  return el(qname, attrs, children);
}
