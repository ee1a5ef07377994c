import type { OwsCommonVersion } from '../encoders/ows-report.js';
import { NS } from '../xml/namespaces.js';
import { el, type XmlAttrs, type XmlElement } from '../xml/writer.js';

export type { OwsCommonVersion };

/** A text in one language, for OWS 1.1/2.0 LanguageStringType elements (Title, Abstract, Keyword). */
export interface LocalizedString {
  value: string;
  lang?: string;
}
/** A plain string, or one string per language (OWS 1.0 keeps only the first). */
export type LocalizedText = string | readonly LocalizedString[];

export function owsNamespace(version: OwsCommonVersion): string {
  return version === '1.0.0' ? NS.ows10 : version === '1.1.0' ? NS.ows11 : NS.ows20;
}

/** xmlns declarations a document embedding these sections must carry: ows and xlink. */
export function owsNamespaceAttrs(version: OwsCommonVersion): Record<string, string> {
  return { 'xmlns:ows': owsNamespace(version), 'xmlns:xlink': NS.xlink };
}

export interface SectionOptions {
  /** Declares xmlns:ows and xmlns:xlink on the section itself, for a standalone fragment. */
  declareNamespaces?: boolean;
}

export function sectionAttrs(version: OwsCommonVersion, options: SectionOptions, attrs: XmlAttrs = {}): XmlAttrs {
  return options.declareNamespaces ? { ...owsNamespaceAttrs(version), ...attrs } : attrs;
}

export function localized(name: string, text: LocalizedText | undefined, version: OwsCommonVersion): XmlElement[] {
  if (text === undefined) return [];
  const items = typeof text === 'string' ? [{ value: text }] : text;
  // OWS 1.0 has a single, untagged Title/Abstract.
  if (version === '1.0.0') return items.length > 0 ? [el(name, null, items[0].value)] : [];
  return items.map((item) => el(name, { 'xml:lang': item.lang }, item.value));
}

export function texts(name: string, values: readonly string[] | undefined): XmlElement[] {
  return (values ?? []).map((v) => el(name, null, v));
}
