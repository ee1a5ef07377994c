/**
 * Errors the features engine throws. Each carries a neutral `code` that protocol plugins map to
 * their own (WFS InvalidParameterValue with a locator, OGC API problem types, WMS LayerNotDefined).
 * Access errors are the core's Unauthenticated / Forbidden.
 */
import { MeridianError } from '../../core/errors.js';

export type FeaturesErrorCode =
  | 'NoSuchCollection'
  | 'NoSuchFeature'
  | 'CollectionExists'
  | 'DuplicateId'
  | 'UnknownProperty'
  | 'InvalidValue'
  | 'InvalidGeometry'
  | 'InvalidQuery'
  | 'InvalidCrs'
  | 'TooLarge'
  /** A feature the write touches is locked by a lock the write does not hold (WFS locking). */
  | 'FeatureLocked';

const STATUS: Record<FeaturesErrorCode, number> = {
  NoSuchCollection: 404,
  NoSuchFeature: 404,
  CollectionExists: 409,
  DuplicateId: 409,
  UnknownProperty: 400,
  InvalidValue: 400,
  InvalidGeometry: 400,
  InvalidQuery: 400,
  InvalidCrs: 400,
  TooLarge: 413,
  FeatureLocked: 409,
};

export class FeaturesError extends MeridianError {
  readonly featuresCode: FeaturesErrorCode;
  constructor(code: FeaturesErrorCode, message: string, options: { locator?: string; cause?: unknown } = {}) {
    super(STATUS[code], message, { code, locator: options.locator, cause: options.cause });
    this.name = 'FeaturesError';
    this.featuresCode = code;
  }
}

export function isFeaturesError(err: unknown, code?: FeaturesErrorCode): err is FeaturesError {
  return err instanceof FeaturesError && (code === undefined || err.featuresCode === code);
}
