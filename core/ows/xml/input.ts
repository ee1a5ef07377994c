import { OwsException } from '../exceptions.js';

/** Limits every XML body is held to before any parser sees it. */
export interface XmlLimits {
  /** Largest body in bytes (UTF-8); 10 MiB by default. */
  maxBytes?: number;
  /** Deepest element nesting; 100 by default (deep enough for nested FES filters). */
  maxDepth?: number;
  /** Most attributes on one element; 256 by default. */
  maxAttributes?: number;
}

export interface XmlErrorOptions {
  /** exceptionCode for rejected XML; 'NoApplicableCode' by default (WFS passes 'OperationParsingFailed'). */
  code?: string;
  /** locator for rejected XML, when the XML came from a parameter (FILTER) rather than the body. */
  locator?: string;
}

export interface SafeXmlOptions extends XmlLimits, XmlErrorOptions {}

export const DEFAULT_XML_LIMITS = { maxBytes: 10 * 1024 * 1024, maxDepth: 100, maxAttributes: 256 } as const;

/** A client's XML that was refused: 400, or 413 when it is too large. */
export function xmlRejected(message: string, options: XmlErrorOptions = {}, status = 400): OwsException {
  return new OwsException(options.code ?? 'NoApplicableCode', message, { status, locator: options.locator });
}

const SUPPORTED_ENCODINGS: Record<string, 'utf-8' | 'latin1'> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'us-ascii': 'utf-8', ascii: 'utf-8',
  'iso-8859-1': 'latin1', latin1: 'latin1', 'iso_8859-1': 'latin1',
};

/**
 * Turns a body into text within the byte limit. UTF-8 (the OGC norm) and ISO-8859-1 are read
 * per the XML declaration; UTF-16 by its byte-order mark; anything else is refused by name.
 */
export function decodeXmlInput(input: string | Uint8Array, options: SafeXmlOptions = {}): string {
  return declareUtf8(decodeText(input, options));
}

/**
 * Parsers get a JS string (UTF-8 underneath), so a declaration naming another encoding would
 * make libxml2 decode it a second time; the text is re-declared as what it now is.
 */
function declareUtf8(text: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.replace(/^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');
}

function decodeText(input: string | Uint8Array, options: SafeXmlOptions): string {
  const maxBytes = options.maxBytes ?? DEFAULT_XML_LIMITS.maxBytes;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > maxBytes) throw xmlRejected(`XML document exceeds the limit of ${maxBytes} bytes`, options, 413);
    return input;
  }
  if (input.byteLength > maxBytes) throw xmlRejected(`XML document exceeds the limit of ${maxBytes} bytes`, options, 413);
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = bytes.subarray(0, 200).toString('latin1');
  const declared = /^(?:\xEF\xBB\xBF)?<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  const encoding = declared === undefined ? 'utf-8' : SUPPORTED_ENCODINGS[declared];
  if (!encoding) throw xmlRejected(`XML encoding '${declared}' is not supported; use UTF-8`, options);
  if (encoding === 'latin1') return bytes.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw xmlRejected('XML document is not valid UTF-8', options);
  }
}
