/**
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone surrogates,
 * U+FFFE/U+FFFF). Messages that echo client input may carry them (`%00` in a parameter), and a
 * single one makes the whole document unreadable, so they become U+FFFD.
 */
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalXmlChars(value: string): string {
  return value.replace(ILLEGAL_XML_CHARS, '\uFFFD');
}

/** Escapes character data (element content). `>` is escaped too, so `]]>` can never appear. */
export function escapeXmlText(value: string): string {
  return stripIllegalXmlChars(value).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value for double quotes; whitespace is kept through character references. */
export function escapeXmlAttr(value: string): string {
  return stripIllegalXmlChars(value).replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case '\t': return '&#9;';
      case '\n': return '&#10;';
      default: return '&#13;';
    }
  });
}

/** An XML qualified name (`ows:Title`, `xmlns:ows`, `xml:lang`); guards names built from data. */
const QNAME = /^(?:[A-Za-z_][\w.\-]*:)?[A-Za-z_][\w.\-]*$/;

export function isXmlName(name: string): boolean {
  return QNAME.test(name);
}
