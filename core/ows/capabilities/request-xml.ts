/** The OWS Common GetCapabilities request in its XML encoding (OGC 06-121r9 7.2.4), as every XML binding reads it. */
import type { XmlTreeNode } from '../xml/element-tree.js';

export interface XmlGetCapabilitiesParameters {
  acceptVersions?: string[];
  sections?: string[];
  acceptFormats?: string[];
  updateSequence?: string;
}

const child = (node: XmlTreeNode, name: string) => node.children.find((c) => c.name === name);
const texts = (node: XmlTreeNode | undefined, name: string) => (node ? node.children.filter((c) => c.name === name).map((c) => c.text.trim()) : undefined);

/** AcceptVersions/Version, Sections/Section, AcceptFormats/OutputFormat and @updateSequence of a GetCapabilities root. */
export function getCapabilitiesOfXml(root: XmlTreeNode): XmlGetCapabilitiesParameters {
  return {
    acceptVersions: texts(child(root, 'AcceptVersions'), 'Version'),
    sections: texts(child(root, 'Sections'), 'Section'),
    acceptFormats: texts(child(root, 'AcceptFormats'), 'OutputFormat'),
    updateSequence: root.attrs.updateSequence,
  };
}
