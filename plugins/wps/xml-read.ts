/** Small readers over the request's element tree (core/ows element-tree). */
import { NS, serializeXmlTreeNode, type XmlTreeNode } from '../../core/ows/index.js';
import { WPS_NS } from './namespaces.js';

export const isWps = (n: XmlTreeNode, local: string) => n.namespace === WPS_NS && n.name === local;
export const isOws = (n: XmlTreeNode, local: string) => n.namespace === NS.ows20 && n.name === local;

export function childrenNamed(n: XmlTreeNode, test: (c: XmlTreeNode) => boolean): XmlTreeNode[] {
  return n.children.filter(test);
}

export function firstChild(n: XmlTreeNode, test: (c: XmlTreeNode) => boolean): XmlTreeNode | undefined {
  return n.children.find(test);
}

/** Every descendant (depth first) that passes the test. */
export function descendants(n: XmlTreeNode, test: (c: XmlTreeNode) => boolean): XmlTreeNode[] {
  const out: XmlTreeNode[] = [];
  for (const c of n.children) {
    if (test(c)) out.push(c);
    out.push(...descendants(c, test));
  }
  return out;
}

/** xlink:href (or a plain href) of an element. */
export function hrefOf(n: XmlTreeNode): string | undefined {
  const q = n.qualifiedAttrs.find(([name]) => {
    const [prefix, local] = name.includes(':') ? name.split(':') : ['', name];
    return local === 'href' && (prefix === '' || n.scope[prefix!] === NS.xlink);
  });
  return q?.[1];
}

/**
 * The element's character content exactly as sent (not trimmed), with the indentation common to
 * its lines removed: inline YAML (CWL) written indented inside the XML keeps its structure.
 */
export function rawText(n: XmlTreeNode): string {
  const joined = n.content.filter((c): c is string => typeof c === 'string').join('');
  const lines = joined.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length && lines[0]!.trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n');
}

/** The single child element of a Data element, serialised (inline XML content), if any. */
export function embeddedXml(n: XmlTreeNode): string | undefined {
  return n.children.length === 1 ? serializeXmlTreeNode(n.children[0]!) : undefined;
}
