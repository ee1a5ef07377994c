import { escapeXmlAttr, escapeXmlText, isXmlName } from './escape.js';

/**
 * A small XML tree for documents the server writes (capabilities, exception reports). Values
 * are escaped when written, so builders pass plain strings and never concatenate markup.
 */
export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attrs: ReadonlyArray<readonly [string, string]>;
  readonly children: readonly XmlNode[];
}
export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
}
/** Markup written as is: only for fragments this server serialised itself. */
export interface XmlRaw {
  readonly kind: 'raw';
  readonly xml: string;
}
export type XmlNode = XmlElement | XmlText | XmlRaw;

export type XmlAttrValue = string | number | boolean | null | undefined;
export type XmlAttrs = Record<string, XmlAttrValue>;
/** What `el` accepts as children: nodes, strings (text), numbers, nested arrays; nullish/false skipped. */
export type XmlChild = XmlNode | string | number | null | undefined | false | readonly XmlChild[];

export function el(name: string, attrs?: XmlAttrs | null, ...children: XmlChild[]): XmlElement {
  if (!isXmlName(name)) throw new Error(`Invalid XML element name '${name}'`);
  const attrList: Array<readonly [string, string]> = [];
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined) continue;
    if (!isXmlName(key)) throw new Error(`Invalid XML attribute name '${key}'`);
    attrList.push([key, String(value)]);
  }
  const nodes: XmlNode[] = [];
  flattenChildren(children, nodes);
  return { kind: 'element', name, attrs: attrList, children: nodes };
}

export function text(value: string): XmlText {
  return { kind: 'text', text: value };
}

export function raw(xml: string): XmlRaw {
  return { kind: 'raw', xml };
}

function flattenChildren(children: readonly XmlChild[], out: XmlNode[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') out.push(text(child));
    else if (typeof child === 'number') out.push(text(String(child)));
    else if (Array.isArray(child)) flattenChildren(child, out);
    else out.push(child as XmlNode);
  }
}

export interface WriteXmlOptions {
  /** Write `<?xml version="1.0" encoding="UTF-8"?>` first (default true). */
  declaration?: boolean;
  /** Indent unit for element-only content, e.g. '  '; none by default. */
  indent?: string;
}

/** Writes a document piece by piece to `sink`, so a large document can be streamed. */
export function writeXml(root: XmlElement, sink: (chunk: string) => void, options: WriteXmlOptions = {}): void {
  if (options.declaration ?? true) sink('<?xml version="1.0" encoding="UTF-8"?>' + (options.indent !== undefined ? '\n' : ''));
  writeElement(root, sink, options.indent, 0);
}

export function serializeXml(root: XmlElement, options: WriteXmlOptions = {}): string {
  const parts: string[] = [];
  writeXml(root, (chunk) => parts.push(chunk), options);
  return parts.join('');
}

function writeElement(node: XmlElement, sink: (chunk: string) => void, indent: string | undefined, depth: number): void {
  let open = '<' + node.name;
  for (const [key, value] of node.attrs) open += ` ${key}="${escapeXmlAttr(value)}"`;
  if (node.children.length === 0) {
    sink(open + '/>');
    return;
  }
  sink(open + '>');
  // Only element-only content is indented: whitespace inside mixed content would change it.
  const pretty = indent !== undefined && node.children.every((c) => c.kind === 'element');
  for (const child of node.children) {
    if (pretty) sink('\n' + indent!.repeat(depth + 1));
    if (child.kind === 'element') writeElement(child, sink, indent, depth + 1);
    else if (child.kind === 'text') sink(escapeXmlText(child.text));
    else sink(child.xml);
  }
  if (pretty) sink('\n' + indent!.repeat(depth));
  sink(`</${node.name}>`);
}
