/** Safe XML (core/ows parseXmlFast) as a small ordered element tree with local names. */
import { parseXmlFast, type SafeXmlOptions } from '../ows/index.js';
import { FilterError } from './errors.js';

export interface XmlNode {
  /** Local name, prefix removed. */
  name: string;
  /** Attributes by local name. */
  attrs: Record<string, string>;
  children: XmlNode[];
  /** The element's own text, trimmed. */
  text: string;
}

type OrderedNode = Record<string, unknown>;

/** Parses XML (DTDs, entities and depth refused by core/ows) and returns its root element. */
export function parseXmlTree(xml: string | Uint8Array, options: SafeXmlOptions = {}): XmlNode {
  const doc = parseXmlFast(xml, { ...options, parser: { preserveOrder: true, removeNSPrefix: true, trimValues: true } }) as unknown as OrderedNode[];
  const roots = doc.map(toNode).filter((n): n is XmlNode => n !== undefined);
  if (roots.length !== 1) throw new FilterError('XML has no single root element', { locator: options.locator });
  return roots[0]!;
}

function toNode(raw: OrderedNode): XmlNode | undefined {
  const name = Object.keys(raw).find((k) => k !== ':@' && k !== '#text');
  if (name === undefined || name.startsWith('?')) return undefined;
  const attrs: Record<string, string> = {};
  const rawAttrs = (raw[':@'] ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(rawAttrs)) attrs[key.replace(/^@_/, '')] = String(value);
  const children: XmlNode[] = [];
  let text = '';
  for (const child of (raw[name] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const node = toNode(child);
      if (node) children.push(node);
    }
  }
  return { name, attrs, children, text: text.trim() };
}

/** The first child named one of `names`. */
export function child(node: XmlNode, ...names: string[]): XmlNode | undefined {
  return node.children.find((c) => names.includes(c.name));
}

export function childrenNamed(node: XmlNode, ...names: string[]): XmlNode[] {
  return node.children.filter((c) => names.includes(c.name));
}
