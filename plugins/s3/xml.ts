/** Building S3 response documents and reading the few request documents S3 has. */
import { escapeXmlText, parseXmlElementTree, type XmlTreeNode } from '../../core/ows/index.js';
import { s3 } from './errors.js';

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** `<name>text</name>`, text escaped; undefined values are left out. */
export function tag(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXmlText(String(value))}</${name}>`;
}

/** A whole document with the S3 namespace on its root. */
export function document(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

/** Parses a request document; anything not well-formed is MalformedXML. */
export function parseRequestXml(body: Buffer, expectedRoot: string): XmlTreeNode {
  let root: XmlTreeNode;
  try {
    root = parseXmlElementTree(body);
  } catch {
    throw s3.malformedXML();
  }
  if (root.name !== expectedRoot) throw s3.malformedXML(`the root element must be ${expectedRoot}`);
  return root;
}

export function children(node: XmlTreeNode, name: string): XmlTreeNode[] {
  return node.children.filter((c) => c.name === name);
}

export function childText(node: XmlTreeNode, name: string): string | undefined {
  return children(node, name)[0]?.text;
}

/** S3's timestamp form in XML: ISO 8601 with milliseconds. */
export function isoDate(date: Date): string {
  return date.toISOString();
}
