import { BadRequest } from '../../errors.js';

/** S3's MaxKeys default and ceiling. */
export const MAX_LIST_LIMIT = 1000;

/** The page size of a listing: `limit` clamped to S3's ceiling, 1000 when absent. */
export function listLimit(limit: number | undefined): number {
  if (limit === undefined) return MAX_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new BadRequest('List limit must be a positive integer', { code: 'InvalidArgument', locator: 'limit' });
  return Math.min(limit, MAX_LIST_LIMIT);
}
