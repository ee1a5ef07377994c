/**
 * Errors the coverages engine throws. Each carries a neutral `code` that protocol plugins map to
 * their own exception codes (WMS LayerNotDefined, WCS NoSuchCoverage, WMTS TileOutOfRange...).
 */
import { MeridianError } from '../../core/errors.js';

export type CoverageErrorCode =
  | 'NoSuchCoverage'
  | 'NoSuchStyle'
  | 'NoSuchBand'
  | 'InvalidTime'
  | 'MissingTime'
  | 'TooLarge'
  | 'InvalidCrs'
  | 'InvalidGrid'
  | 'UnsupportedFormat'
  | 'SourceUnreadable';

const STATUS: Record<CoverageErrorCode, number> = {
  NoSuchCoverage: 404,
  NoSuchStyle: 400,
  NoSuchBand: 400,
  InvalidTime: 400,
  MissingTime: 400,
  TooLarge: 413,
  InvalidCrs: 400,
  InvalidGrid: 400,
  UnsupportedFormat: 400,
  SourceUnreadable: 502,
};

export class CoverageError extends MeridianError {
  readonly coverageCode: CoverageErrorCode;
  constructor(code: CoverageErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(STATUS[code], message, { code, expose: code !== 'SourceUnreadable', cause: options.cause });
    this.name = 'CoverageError';
    this.coverageCode = code;
  }
}

export function isCoverageError(err: unknown, code?: CoverageErrorCode): err is CoverageError {
  return err instanceof CoverageError && (code === undefined || err.coverageCode === code);
}
