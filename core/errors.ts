/**
 * Errors every layer throws. A plugin renders them in its standard's format through its
 * error encoder; the core never lets anything but `message` of an exposed error reach a client.
 */
export interface MeridianErrorOptions {
  /** Protocol error code: an OWS exceptionCode, an OGC API problem type, an S3 error code. */
  code?: string;
  /** Where the problem is: the offending parameter name (OWS `locator`). */
  locator?: string;
  /** Headers the response must carry (WWW-Authenticate, Retry-After...). */
  headers?: Record<string, string>;
  /** Whether `message` may be shown to the client. Defaults to true below 500. */
  expose?: boolean;
  cause?: unknown;
}

export class MeridianError extends Error {
  readonly status: number;
  readonly code: string;
  readonly locator?: string;
  readonly headers: Record<string, string>;
  readonly expose: boolean;

  constructor(status: number, message: string, options: MeridianErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MeridianError';
    this.status = status;
    this.code = options.code ?? defaultCode(status);
    this.locator = options.locator;
    this.headers = options.headers ?? {};
    this.expose = options.expose ?? status < 500;
  }
}

/** No credentials, or credentials that could not be verified: 401 with a challenge. */
export class Unauthenticated extends MeridianError {
  constructor(message = 'Authentication required', challenge = 'Bearer realm="meridian"') {
    super(401, message, { code: 'Unauthenticated', headers: { 'WWW-Authenticate': challenge } });
    this.name = 'Unauthenticated';
  }
}

/** An authenticated subject that the decision point denied: 403. */
export class Forbidden extends MeridianError {
  constructor(message = 'Access denied') {
    super(403, message, { code: 'Forbidden' });
    this.name = 'Forbidden';
  }
}

export class NotFound extends MeridianError {
  constructor(message = 'Not found', options: MeridianErrorOptions = {}) {
    super(404, message, { code: 'NotFound', ...options });
    this.name = 'NotFound';
  }
}

export class BadRequest extends MeridianError {
  constructor(message: string, options: MeridianErrorOptions = {}) {
    super(400, message, { code: 'BadRequest', ...options });
    this.name = 'BadRequest';
  }
}

function defaultCode(status: number): string {
  if (status === 400) return 'BadRequest';
  if (status === 401) return 'Unauthenticated';
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'NotFound';
  if (status === 405) return 'MethodNotAllowed';
  if (status === 413) return 'PayloadTooLarge';
  if (status === 415) return 'UnsupportedMediaType';
  if (status >= 500) return 'InternalError';
  return 'Error';
}

/**
 * A MeridianError of another copy of this module (a plugin package bundling its own core, or a
 * module loaded both as CommonJS and ESM): the same fields, so it renders the same.
 */
function isMeridianErrorShaped(err: unknown): err is MeridianError {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<MeridianError>;
  return typeof e.status === 'number' && typeof e.code === 'string' && typeof e.expose === 'boolean' && typeof e.headers === 'object' && e.headers !== null;
}

/**
 * Turns anything thrown into a MeridianError. Unknown errors become a generic 500 whose
 * message is never exposed; Koa/http-errors style errors (status + expose) keep their status.
 */
export function toMeridianError(err: unknown): MeridianError {
  if (err instanceof MeridianError || isMeridianErrorShaped(err)) return err;
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; headers?: unknown };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500 && e?.expose !== false) {
    return new MeridianError(status, typeof e.message === 'string' ? e.message : 'Bad request', {
      cause: err,
      headers: (e.headers as Record<string, string> | undefined) ?? undefined,
    });
  }
  return new MeridianError(status >= 500 && status < 600 ? status : 500, 'Internal server error', { expose: false, cause: err });
}
