/**
 * WCPS exceptions. WCPS 1.0 (OGC 08-068r2) reports errors as OWS ExceptionReports without a
 * normative code list, so the codes here name the class of error (README.md lists them); every
 * error found in the query names its line and column in the message and in the locator (for a
 * query in the XML syntax, the path of the element instead).
 */
import { OwsException } from '../../core/ows/index.js';

export const WCPS_EXCEPTION_STATUS = {
  /** Lexical and grammatical errors: an unknown character, an unterminated string, an unexpected token. */
  WcpsSyntaxError: 400,
  /** A $variable that no for, let, over or coverage iterator binds. */
  UndefinedVariable: 400,
  /** Operand types an operation does not take (arithmetic on booleans, a cast to an unknown type...). */
  TypeMismatch: 400,
  /** Operands of an induced operation whose domains differ in dimension or extent. */
  DomainMismatch: 400,
  NoSuchCoverage: 404,
  InvalidAxisLabel: 400,
  InvalidSubsetting: 400,
  NoSuchField: 400,
  /** An unknown format, or a result the format cannot hold (PNG of floats, GeoTIFF of a grid without a CRS). */
  InvalidEncoding: 400,
  InvalidEncodingOption: 400,
  InvalidCrs: 400,
  /** Refused before running: the result or an intermediate would pass the configured cell limits. */
  ResultTooLarge: 413,
  /** Stopped after the configured time per query. */
  QueryTimeout: 503,
  /** A language feature this server does not evaluate (named in the message). */
  UnsupportedOperation: 501,
} as const;

export type WcpsExceptionCode = keyof typeof WCPS_EXCEPTION_STATUS;

/** Where a construct starts in the query text (1-based), or, in the XML syntax, its element. */
export interface Position {
  line: number;
  column: number;
  /** XML syntax: the element's path (`/ProcessCoveragesRequest/query/xmlSyntax/encode/trim`); line and column are then 0. */
  path?: string;
}

export function positionText(pos: Position | undefined): string {
  if (!pos) return 'query';
  return pos.path !== undefined ? `element ${pos.path}` : `line ${pos.line}, column ${pos.column}`;
}

function locatorOf(pos: Position | undefined): string {
  if (!pos) return 'query';
  return pos.path ?? `${pos.line}:${pos.column}`;
}

export class WcpsError extends OwsException {
  readonly wcpsCode: WcpsExceptionCode;
  readonly position?: Position;
  constructor(code: WcpsExceptionCode, message: string, pos?: Position) {
    super(code, pos ? `${positionText(pos)}: ${message}` : message, { locator: locatorOf(pos), status: WCPS_EXCEPTION_STATUS[code] });
    this.name = 'WcpsError';
    this.wcpsCode = code;
    this.position = pos;
  }
}

export function wcpsFail(code: WcpsExceptionCode, message: string, pos?: Position): never {
  throw new WcpsError(code, message, pos);
}
