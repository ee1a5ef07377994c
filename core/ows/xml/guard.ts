import { DEFAULT_XML_LIMITS, xmlRejected, type SafeXmlOptions } from './input.js';

/** Entity references XML defines without a DTD: the five predefined ones and character references. */
const ALLOWED_REFERENCE = /^(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6})$/;

/**
 * One linear pass over the text before any parser sees it. It refuses what makes XML parsers
 * dangerous (a DOCTYPE carries the DTD, entity declarations, external entities and so every
 * entity-expansion attack) and enforces depth and attribute limits that parsers cannot be
 * trusted to apply. Well-formedness beyond that is left to the parser.
 */
export function assertSafeXml(text: string, options: SafeXmlOptions = {}): void {
  const maxDepth = options.maxDepth ?? DEFAULT_XML_LIMITS.maxDepth;
  const maxAttributes = options.maxAttributes ?? DEFAULT_XML_LIMITS.maxAttributes;
  let depth = 0;
  let sawRoot = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    checkReferences(text, i, lt === -1 ? n : lt, options);
    if (lt === -1) break;
    if (text.startsWith('<?', lt)) {
      i = endOf(text, '?>', lt + 2, 'processing instruction', options);
    } else if (text.startsWith('<!--', lt)) {
      i = endOf(text, '-->', lt + 4, 'comment', options);
    } else if (text.startsWith('<![CDATA[', lt)) {
      i = endOf(text, ']]>', lt + 9, 'CDATA section', options);
    } else if (text.startsWith('<!', lt)) {
      const what = /^<!DOCTYPE/i.test(text.slice(lt, lt + 9)) ? 'A DOCTYPE' : /^<!ENTITY/i.test(text.slice(lt, lt + 8)) ? 'An entity declaration' : 'A markup declaration';
      throw xmlRejected(`${what} is not allowed in XML requests (DTDs and entities are refused)`, options);
    } else if (text.charCodeAt(lt + 1) === 0x2f /* '/' */) {
      const gt = text.indexOf('>', lt + 2);
      if (gt === -1) throw xmlRejected('XML is not well-formed: unterminated end tag', options);
      depth -= 1;
      i = gt + 1;
    } else {
      const tag = scanStartTag(text, lt, options);
      if (tag.attributes > maxAttributes) throw xmlRejected(`XML element has more than ${maxAttributes} attributes`, options);
      if (!tag.selfClosing) {
        depth += 1;
        if (depth > maxDepth) throw xmlRejected(`XML nesting is deeper than the limit of ${maxDepth} elements`, options);
      }
      sawRoot = true;
      i = tag.end;
    }
  }
  if (!sawRoot) throw xmlRejected('XML is not well-formed: no root element', options);
}

function endOf(text: string, terminator: string, from: number, what: string, options: SafeXmlOptions): number {
  const at = text.indexOf(terminator, from);
  if (at === -1) throw xmlRejected(`XML is not well-formed: unterminated ${what}`, options);
  return at + terminator.length;
}

/** Finds the end of a start tag, honouring quoted attribute values (which may hold '>'). */
function scanStartTag(text: string, lt: number, options: SafeXmlOptions): { end: number; selfClosing: boolean; attributes: number } {
  let attributes = 0;
  let j = lt + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x22 || c === 0x27) {
      const close = text.indexOf(text[j], j + 1);
      if (close === -1) throw xmlRejected('XML is not well-formed: unterminated attribute value', options);
      checkReferences(text, j + 1, close, options);
      attributes += 1;
      j = close + 1;
    } else if (c === 0x3e /* '>' */) {
      return { end: j + 1, selfClosing: text.charCodeAt(j - 1) === 0x2f, attributes };
    } else if (c === 0x3c /* '<' */) {
      throw xmlRejected("XML is not well-formed: '<' inside a tag", options);
    } else {
      j += 1;
    }
  }
  throw xmlRejected('XML is not well-formed: unterminated start tag', options);
}

/** Refuses references to entities that only a DTD could define (`&xxe;`, `&lol9;`). */
function checkReferences(text: string, from: number, to: number, options: SafeXmlOptions): void {
  let amp = text.indexOf('&', from);
  while (amp !== -1 && amp < to) {
    const semi = text.indexOf(';', amp + 1);
    const name = semi === -1 || semi > to || semi - amp > 12 ? '' : text.slice(amp + 1, semi);
    if (!ALLOWED_REFERENCE.test(name)) {
      throw xmlRejected(
        name ? `XML refers to the undeclared entity '&${name};' (entities are refused)` : "XML is not well-formed: '&' must be written '&amp;'",
        options,
      );
    }
    amp = text.indexOf('&', semi + 1);
  }
}
