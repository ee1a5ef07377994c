/**
 * S3 errors: a MeridianError whose code is the S3 error code, rendered by `s3ErrorEncoder` as the
 * S3 XML error document. Errors of the core (auth, blob store, body limits) are mapped onto the
 * S3 code a client expects.
 */
import type { Context } from 'koa';
import { MeridianError } from '../../core/errors.js';
import { problemJson } from '../../core/server/middleware/error-boundary.js';
import type { ErrorEncoder } from '../../core/plugin.js';
import { escapeXmlText } from '../../core/ows/index.js';
import { ADMIN_PATH } from './paths.js';

export class S3Error extends MeridianError {
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(status, message, { code, headers });
    this.name = 'S3Error';
  }
}

export const s3 = {
  noSuchBucket: (bucket: string) => new S3Error(404, 'NoSuchBucket', `The specified bucket does not exist: ${bucket}`),
  noSuchKey: (key: string) => new S3Error(404, 'NoSuchKey', `The specified key does not exist: ${key}`),
  noSuchUpload: (id: string) => new S3Error(404, 'NoSuchUpload', `The specified multipart upload does not exist: ${id}`),
  accessDenied: (message = 'Access Denied') => new S3Error(403, 'AccessDenied', message),
  signatureDoesNotMatch: (message = 'The request signature we calculated does not match the signature you provided. Check your key and signing method.') =>
    new S3Error(403, 'SignatureDoesNotMatch', message),
  invalidAccessKeyId: () => new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'),
  requestTimeTooSkewed: () => new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'),
  bucketNotEmpty: (bucket: string) => new S3Error(409, 'BucketNotEmpty', `The bucket you tried to delete is not empty: ${bucket}`),
  bucketAlreadyOwnedByYou: (bucket: string) =>
    new S3Error(409, 'BucketAlreadyOwnedByYou', `Your previous request to create the named bucket succeeded and you already own it: ${bucket}`),
  bucketAlreadyExists: (bucket: string) =>
    new S3Error(409, 'BucketAlreadyExists', `The requested bucket name is not available: ${bucket}. Please select a different name and try again.`),
  invalidBucketName: (bucket: string) => new S3Error(400, 'InvalidBucketName', `The specified bucket is not valid: ${bucket}`),
  invalidRange: (size: number) => new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { 'Content-Range': `bytes */${size}` }),
  entityTooSmall: (part: number) => new S3Error(400, 'EntityTooSmall', `Your proposed upload is smaller than the minimum allowed object size (part ${part}).`),
  entityTooLarge: (message = 'Your proposed upload exceeds the maximum allowed object size.') => new S3Error(400, 'EntityTooLarge', message),
  invalidPart: (part: number) =>
    new S3Error(400, 'InvalidPart', `One or more of the specified parts could not be found or its entity tag did not match (part ${part}).`),
  invalidPartOrder: () => new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.'),
  badDigest: (what: string) => new S3Error(400, 'BadDigest', `The ${what} you specified did not match the calculated checksum.`),
  invalidDigest: (what: string) => new S3Error(400, 'InvalidDigest', `The ${what} you specified is not valid.`),
  malformedXML: (detail?: string) =>
    new S3Error(400, 'MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema${detail ? `: ${detail}` : ''}.`),
  preconditionFailed: (condition: string) => new S3Error(412, 'PreconditionFailed', `At least one of the pre-conditions you specified did not hold: ${condition}`),
  notImplemented: (what: string) => new S3Error(501, 'NotImplemented', `A header or query you provided implies functionality that is not implemented: ${what}`),
  invalidArgument: (message: string) => new S3Error(400, 'InvalidArgument', message),
  invalidRequest: (message: string) => new S3Error(400, 'InvalidRequest', message),
  methodNotAllowed: (method: string) => new S3Error(405, 'MethodNotAllowed', `The specified method is not allowed against this resource: ${method}`),
  contentSha256Mismatch: () => new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.'),
  incompleteBody: () => new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'),
  invalidURI: () => new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI."),
  authorizationHeaderMalformed: (message: string) => new S3Error(400, 'AuthorizationHeaderMalformed', message),
  authorizationQueryParametersError: (message: string) => new S3Error(400, 'AuthorizationQueryParametersError', message),
  missingContentLength: () => new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
};

/** S3 code and status of an error thrown elsewhere (core auth, blob store, body reading). */
export function toS3Error(err: MeridianError): MeridianError {
  if (err instanceof S3Error) return err;
  switch (err.code) {
    case 'Unauthenticated':
    case 'Forbidden':
      // S3 answers an anonymous request it refuses with 403 AccessDenied, not a 401 challenge.
      return s3.accessDenied();
    case 'InvalidBlobKey':
      return /longer than/.test(err.message) ? new S3Error(400, 'KeyTooLongError', 'Your key is too long') : s3.invalidArgument(err.message.replace(/^Invalid blob key/, 'Invalid object key'));
    case 'BlobKeyConflict':
      return s3.invalidArgument('The object key conflicts with an existing key: an object cannot also be a prefix folder of other keys ("a/b" and "a/b/c")');
    case 'BlobNotFound':
      return s3.noSuchKey('');
    case 'InvalidRange':
      return new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', err.headers);
    case 'PayloadTooLarge':
      return s3.entityTooLarge();
    case 'IncompleteBody':
      return s3.incompleteBody();
    case 'InvalidMetadata':
    case 'InvalidContentType':
    case 'InvalidCursor':
      return s3.invalidArgument(err.message);
    case 'MethodNotAllowed':
      return new S3Error(405, 'MethodNotAllowed', err.message);
  }
  if (err.status >= 500) return new S3Error(err.status === 503 ? 503 : 500, err.status === 503 ? 'ServiceUnavailable' : 'InternalError', 'We encountered an internal error. Please try again.');
  return new S3Error(err.status, err.status === 404 ? 'NoSuchKey' : 'InvalidRequest', err.expose ? err.message : 'Invalid request');
}

/** The S3 XML error document; no body on HEAD (S3 sends the code in the status only). */
export const s3ErrorEncoder: ErrorEncoder = (err: MeridianError, ctx: Context) => {
  if (ctx.path === ADMIN_PATH || ctx.path.startsWith(`${ADMIN_PATH}/`)) {
    problemJson(err, ctx);
    return;
  }
  const e = toS3Error(err);
  ctx.status = e.status;
  for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
  // koa-compress and a stale Content-Length of the object must not apply to the error body.
  ctx.remove('Content-Length');
  ctx.remove('Content-Range');
  ctx.remove('ETag');
  ctx.remove('Last-Modified');
  const requestId = String(ctx.state.requestId ?? '');
  ctx.set('x-amz-request-id', requestId);
  if (ctx.method === 'HEAD') {
    ctx.body = null;
    ctx.status = e.status;
    return;
  }
  ctx.type = 'application/xml';
  ctx.body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXmlText(e.code)}</Code><Message>${escapeXmlText(e.message)}</Message>` +
    `<Resource>${escapeXmlText(ctx.path)}</Resource><RequestId>${escapeXmlText(requestId)}</RequestId></Error>`;
};
