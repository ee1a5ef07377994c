/**
 * The SigV4 authenticator: `Authorization: AWS4-HMAC-SHA256 ...` and presigned URLs
 * (`X-Amz-Algorithm=AWS4-HMAC-SHA256&...`). It verifies the signature of the request head; the
 * payload (its SHA-256, chunk and trailer signatures) is verified while the body streams, with
 * what it leaves in `ctx.state[SIGNATURE_STATE]`. The subject is the key's user, with the key's
 * groups and the user's groups from the core users table.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { authenticatedSubject } from '../../../core/auth/subjects.js';
import type { Authenticator, Subject } from '../../../core/auth/types.js';
import { getUser } from '../../../core/auth/users.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { AccessKeys, ResolvedAccessKey } from '../access-keys.js';
import { s3 } from '../errors.js';
import {
  ALGORITHM,
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  headerValues,
  parseAmzDate,
  parseRawQuery,
  signatureHex,
  signingKey,
  stringToSign,
} from './canonical.js';

export const SIGNATURE_STATE = 's3Signature';
export const S3_ISSUER = 'meridian:s3';

/** What body verification needs from a verified request head. */
export interface SignatureState {
  accessKeyId: string;
  signingKey: Buffer;
  /** The request's signature: the first chunk signature chains from it. */
  seedSignature: string;
  amzDate: string;
  scope: string;
  /** x-amz-content-sha256 (or UNSIGNED-PAYLOAD for a presigned URL). */
  payloadHash: string;
  presigned: boolean;
}

export interface SigV4Options {
  maxClockSkewMs: number;
  keyCacheMs: number;
  now?: () => number;
}

interface CachedKey {
  key: ResolvedAccessKey | null;
  groups: string[];
  until: number;
  /**
   * Signing keys derived from this key's secret, by `<day>/<region>/<service>`: four HMACs saved
   * per request. They go with the entry, so a revoked key's derived keys go with it.
   */
  signingKeys: Map<string, Buffer>;
}

/** Derived signing keys kept per access key: a day's worth of regions, in practice one or two. */
const MAX_SIGNING_KEYS = 16;

const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export class SigV4Authenticator implements Authenticator {
  readonly name = 's3-sigv4';
  private readonly cache = new Map<string, CachedKey>();
  private readonly pending = new Map<string, Promise<CachedKey>>();
  /** Bumped by forget: a lookup that started before does not fill the cache. */
  private generation = 0;
  private readonly now: () => number;

  constructor(
    private readonly keys: AccessKeys,
    private readonly db: Database,
    private readonly options: SigV4Options,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Synchronous (null, or a throw) for requests that carry no Signature Version 4, and (the
   * subject, or a throw) for those signed with a key in the cache: no promise turn then.
   */
  authenticate(ctx: Context): Subject | null | Promise<Subject> {
    const authorization = ctx.get('authorization');
    if (authorization.startsWith(`${ALGORITHM} `)) return this.fromHeader(ctx, authorization);
    if (/(^|&)X-Amz-Algorithm=/.test(ctx.querystring)) return this.fromQuery(ctx);
    if (/^AWS [^:\s]+:/.test(authorization) || /(^|&)Signature=/.test(ctx.querystring) && /(^|&)AWSAccessKeyId=/.test(ctx.querystring)) {
      throw s3.invalidRequest('Signature Version 2 is not supported: sign requests with AWS Signature Version 4');
    }
    return null;
  }

  /** Forgets cached keys (after a revocation in this process). */
  forget(accessKeyId?: string): void {
    this.generation++;
    if (accessKeyId === undefined) {
      this.cache.clear();
      this.pending.clear();
    } else {
      this.cache.delete(accessKeyId);
      this.pending.delete(accessKeyId);
    }
  }

  private fromHeader(ctx: Context, authorization: string): Subject | Promise<Subject> {
    const fields = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      throw s3.authorizationHeaderMalformed('The authorization header is malformed; it must name Credential, SignedHeaders and Signature.');
    }
    const amzDate = ctx.get('x-amz-date');
    const date = parseAmzDate(amzDate);
    if (!date) throw s3.accessDenied('AWS authentication requires a valid x-amz-date header');
    const payloadHash = ctx.get('x-amz-content-sha256');
    if (!payloadHash) throw s3.invalidRequest('Missing required header for this request: x-amz-content-sha256');
    if (Math.abs(this.now() - date.getTime()) > this.options.maxClockSkewMs) throw s3.requestTimeTooSkewed();
    const params = parseRawQuery(ctx.querystring);
    return this.verify(ctx, { credential, signedHeaders, signature, amzDate, payloadHash, query: canonicalQuery(params), presigned: false }, (m) => s3.authorizationHeaderMalformed(m));
  }

  private fromQuery(ctx: Context): Subject | Promise<Subject> {
    const params = parseRawQuery(ctx.querystring);
    const get = (name: string) => params.find(([n]) => n === name)?.[1];
    const malformed = (m: string) => s3.authorizationQueryParametersError(m);
    if (get('X-Amz-Algorithm') !== ALGORITHM) throw malformed(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
    const credential = get('X-Amz-Credential');
    const signedHeaders = get('X-Amz-SignedHeaders');
    const signature = get('X-Amz-Signature');
    const amzDate = get('X-Amz-Date') ?? '';
    const expires = Number(get('X-Amz-Expires'));
    if (!credential || !signedHeaders || !signature) {
      throw malformed('Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    const date = parseAmzDate(amzDate);
    if (!date) throw malformed('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
      throw malformed('X-Amz-Expires must be a whole number of seconds from 1 to 604800');
    }
    const now = this.now();
    if (date.getTime() - now > this.options.maxClockSkewMs) throw s3.accessDenied('Request is not valid yet');
    if (now > date.getTime() + expires * 1000) throw s3.accessDenied('Request has expired');
    const payloadHash = get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
    return this.verify(ctx, { credential, signedHeaders, signature, amzDate, payloadHash, query: canonicalQuery(params, 'X-Amz-Signature'), presigned: true }, malformed);
  }

  private verify(
    ctx: Context,
    r: { credential: string; signedHeaders: string; signature: string; amzDate: string; payloadHash: string; query: string; presigned: boolean },
    malformed: (message: string) => Error,
  ): Subject | Promise<Subject> {
    const parts = r.credential.split('/');
    if (parts.length !== 5 || parts[4] !== 'aws4_request') throw malformed(`The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
    const [accessKeyId, day, region, service] = parts as [string, string, string, string];
    if (day !== r.amzDate.slice(0, 8)) throw malformed(`Invalid credential date "${day}": it must be the day of the request date ${r.amzDate}.`);
    if (service !== 's3') throw malformed(`The credential names service "${service}"; this endpoint is "s3".`);
    const signedHeaders = r.signedHeaders.split(';');
    if (!signedHeaders.includes('host')) throw malformed('The host header must be signed');
    const cached = this.cached(accessKeyId);
    if (cached) return this.check(ctx, r, cached, { accessKeyId, day, region, service, signedHeaders });
    return this.lookup(accessKeyId).then((found) => this.check(ctx, r, found, { accessKeyId, day, region, service, signedHeaders }));
  }

  private check(
    ctx: Context,
    r: { signature: string; amzDate: string; payloadHash: string; query: string; presigned: boolean },
    found: CachedKey,
    c: { accessKeyId: string; day: string; region: string; service: string; signedHeaders: string[] },
  ): Subject {
    const { accessKeyId, day, region, service, signedHeaders } = c;
    if (!found.key) throw s3.invalidAccessKeyId();
    const headers = canonicalHeaders(headerValues(ctx.req.rawHeaders), signedHeaders);
    if (headers === undefined) throw s3.signatureDoesNotMatch('A header named in SignedHeaders is missing from the request');
    const canonical = canonicalRequest(ctx.method, canonicalUri(ctx.path), r.query, headers, signedHeaders, r.payloadHash);
    const scope = credentialScope(day, region, service);
    const key = derivedKey(found, day, region, service);
    const expected = signatureHex(key, stringToSign(r.amzDate, scope, canonical));
    if (!sameHex(expected, r.signature)) throw s3.signatureDoesNotMatch();
    const state: SignatureState = { accessKeyId, signingKey: key, seedSignature: expected, amzDate: r.amzDate, scope, payloadHash: r.payloadHash, presigned: r.presigned };
    ctx.state[SIGNATURE_STATE] = state;
    return authenticatedSubject({ id: found.key.user, issuer: S3_ISSUER, method: 's3-sigv4', groups: found.groups, claims: { sub: found.key.user, accessKeyId } });
  }

  /** The cache entry of a key (known or known to be unknown) while it is fresh. */
  private cached(accessKeyId: string): CachedKey | undefined {
    const cached = this.cache.get(accessKeyId);
    return cached && cached.until > this.now() ? cached : undefined;
  }

  /** Concurrent lookups of one key (its cache entry just expired under load) share one query. */
  private lookup(accessKeyId: string): Promise<CachedKey> {
    let pending = this.pending.get(accessKeyId);
    if (!pending) {
      const generation = this.generation;
      const loading = this.load(accessKeyId, generation).finally(() => {
        if (this.pending.get(accessKeyId) === loading) this.pending.delete(accessKeyId);
      });
      pending = loading;
      this.pending.set(accessKeyId, pending);
    }
    return pending;
  }

  private async load(accessKeyId: string, generation: number): Promise<CachedKey> {
    const now = this.now();
    const key = await this.keys.resolve(accessKeyId);
    let groups: string[] = [];
    if (key) {
      const user = await getUser(this.db, key.user).catch(() => null);
      groups = [...new Set([...key.groups, ...(user?.groups ?? [])])];
    }
    const entry: CachedKey = { key, groups, until: now + this.options.keyCacheMs, signingKeys: new Map() };
    // Not kept when keys were forgotten meanwhile: it may have been read before a revocation.
    if (this.options.keyCacheMs > 0 && generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(accessKeyId, entry);
    }
    return entry;
  }
}

function derivedKey(found: CachedKey, day: string, region: string, service: string): Buffer {
  const scope = `${day}/${region}/${service}`;
  let key = found.signingKeys.get(scope);
  if (!key) {
    key = signingKey(found.key!.secret, day, region, service);
    if (found.signingKeys.size >= MAX_SIGNING_KEYS) found.signingKeys.clear();
    found.signingKeys.set(scope, key);
  }
  return key;
}

/** Constant-time comparison of two hex signatures. */
export function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
