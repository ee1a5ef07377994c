/**
 * AWS Signature Version 4 building blocks (docs.aws.amazon.com "Create a signed AWS API request"):
 * the canonical request, the string to sign and the signing key. S3 encodes each path segment once
 * (no double encoding) and does not normalise the path.
 */
import { createHmac, hash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** URI-encodes as SigV4 wants: every byte but A-Z a-z 0-9 - . _ ~ as %XX (upper case); '/' kept when asked. */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const ch of value) {
    if (UNRESERVED.test(ch) || (keepSlash && ch === '/')) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes %XX escapes; a malformed escape is left as written (it then simply fails to verify). */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The canonical URI from the raw request path: each segment decoded then encoded again, '/' kept. */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/';
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decode(segment)))
    .join('/');
}

/** Query parameters of the raw query string, decoded, in order. */
export function parseRawQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
    });
}

/** The canonical query string, without `omit` (X-Amz-Signature of a presigned URL). */
export function canonicalQuery(params: Array<[string, string]>, omit?: string): string {
  return params
    .filter(([name]) => name !== omit)
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** Header values by lower-case name from Node's raw header list; repeated headers joined with ','. */
export function headerValues(rawHeaders: string[]): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = values.get(name);
    if (list) list.push(rawHeaders[i + 1]!);
    else values.set(name, [rawHeaders[i + 1]!]);
  }
  return values;
}

/** `name:value\n` for each signed header: values trimmed, inner runs of spaces made one. */
export function canonicalHeaders(values: Map<string, string[]>, signedHeaders: string[]): string | undefined {
  let out = '';
  for (const name of signedHeaders) {
    const list = values.get(name);
    if (!list) return undefined;
    out += `${name}:${list.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }
  return out;
}

/** One-shot (crypto.hash): half the time of a Hash object for a canonical request's few hundred bytes. */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function canonicalRequest(method: string, uri: string, query: string, headers: string, signedHeaders: string[], payloadHash: string): string {
  return [method, uri, query, headers, signedHeaders.join(';'), payloadHash].join('\n');
}

/** `<date>/<region>/<service>/aws4_request` */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [ALGORITHM, amzDate, scope, sha256Hex(canonical)].join('\n');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function signatureHex(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** String to sign of one chunk of a signed streaming upload. */
export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, chunkSha256Hex: string): string {
  return ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previousSignature, EMPTY_SHA256, chunkSha256Hex].join('\n');
}

/** String to sign of the trailer of a signed streaming upload. */
export function trailerStringToSign(amzDate: string, scope: string, previousSignature: string, trailerSha256Hex: string): string {
  return ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previousSignature, trailerSha256Hex].join('\n');
}

/** 20240102T030405Z -> Date, or undefined when not of that form. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
