import { MeridianError } from '../errors.js';

export interface FilterErrorOptions {
  /** Character offset (0-based) in the filter text where the problem is. */
  position?: number;
  /** The request parameter the filter came in (`filter`, `CONSTRAINT`...); `filter` by default. */
  locator?: string;
}

/**
 * A filter that cannot be parsed or is not valid: 400 InvalidParameterValue, which OWS encoders
 * render as is and OGC API plugins as a 400 problem. The position, when known, is in the message.
 */
export class FilterError extends MeridianError {
  readonly position?: number;

  constructor(message: string, options: FilterErrorOptions = {}) {
    const where = options.position === undefined ? '' : ` (at character ${options.position + 1})`;
    super(400, `${message}${where}`, { code: 'InvalidParameterValue', locator: options.locator ?? 'filter' });
    this.name = 'FilterError';
    this.position = options.position;
  }
}

/** A filter that names a property the collection does not offer as a queryable. */
export class UnknownQueryableError extends FilterError {
  readonly queryable: string;

  constructor(queryable: string, options: FilterErrorOptions = {}) {
    super(`Unknown queryable '${queryable}'`, options);
    this.name = 'UnknownQueryableError';
    this.queryable = queryable;
  }
}
