/**
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone surrogates,
 * U+FFFE/U+FFFF). Messages that echo client input may carry them (`%00` in a parameter), and a
 * single one makes the whole document unreadable, so they become U+FFFD.
 */
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Any character the functions below might change (every surrogate, paired or not): most values
 * have none, and one test of this class costs less than the replacements' passes (a WFS page
 * escapes several values per feature).
 */
const MAYBE_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const MAYBE_TEXT_WORK = /[&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
const MAYBE_ATTR_WORK = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function stripIllegalXmlChars(value: string): string {
  return MAYBE_ILLEGAL.test(value) ? value.replace(ILLEGAL_XML_CHARS, '\uFFFD') : value;
}

/** Escapes character data (element content). `>` is escaped too, so `]]>` can never appear. */
export function escapeXmlText(value: string): string {
  if (!MAYBE_TEXT_WORK.test(value)) return value;
  return stripIllegalXmlChars(value).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value for double quotes; whitespace is kept through character references. */
export function escapeXmlAttr(value: string): string {
  if (!MAYBE_ATTR_WORK.test(value)) return value;
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
