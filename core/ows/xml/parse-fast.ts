import { createRequire } from 'node:module';
import type * as Fxp from 'fast-xml-parser';
import type { X2jOptions } from 'fast-xml-parser';
import { assertSafeXml } from './guard.js';
import { DEFAULT_XML_LIMITS, decodeXmlInput, xmlRejected, type SafeXmlOptions } from './input.js';

const require = createRequire(import.meta.url);
let fxp: typeof Fxp | undefined;

/** Loaded on first use, keeping it off the server's start-up path. */
function fastXmlParser(): typeof Fxp {
  fxp ??= require('fast-xml-parser') as typeof Fxp;
  return fxp;
}

/** fast-xml-parser options a caller may choose; entity and DTD handling are not among them. */
export type FastXmlParserOptions = Pick<
  X2jOptions,
  | 'removeNSPrefix' | 'isArray' | 'ignoreAttributes' | 'attributeNamePrefix' | 'textNodeName' | 'parseTagValue'
  | 'parseAttributeValue' | 'trimValues' | 'preserveOrder' | 'alwaysCreateTextNode' | 'stopNodes' | 'cdataPropName'
>;

export interface FastXmlOptions extends SafeXmlOptions {
  parser?: FastXmlParserOptions;
}

/**
 * The fast path: XML to plain objects (attributes prefixed '@_', values kept as strings) after
 * the safety scan and a well-formedness check. For XSD validation or XPath use parseXmlDocument.
 */
export function parseXmlFast(input: string | Uint8Array, options: FastXmlOptions = {}): Record<string, unknown> {
  const text = decodeXmlInput(input, options);
  assertSafeXml(text, options);
  const { XMLParser, XMLValidator } = fastXmlParser();
  const wellFormed = XMLValidator.validate(text);
  if (wellFormed !== true) {
    const { msg, line, col } = wellFormed.err;
    throw xmlRejected(`XML is not well-formed: ${msg} (line ${line}, column ${col})`, options);
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ...options.parser,
    // Not overridable. The guard lets through only the five predefined entities and character
    // references; fast-xml-parser decodes character references under `htmlEntities`.
    processEntities: true,
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: options.maxDepth ?? DEFAULT_XML_LIMITS.maxDepth,
  });
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw xmlRejected(`XML could not be parsed: ${(err as Error).message}`, options);
  }
}
