import type { Logger } from 'pino';
import type { Decision, DecisionPoint } from '../types.js';

/** Permits everything. For development only, and says so at creation. */
export function createAllowAllDecisionPoint(logger: Pick<Logger, 'warn'>): DecisionPoint {
  logger.warn(
    { decisionPoint: 'allow-all' },
    'AUTHORIZATION IS OFF: the allow-all decision point permits every request to everyone. For development only; never use it in production.',
  );
  return {
    name: 'allow-all',
    cheaperThanCache: true,
    decide(): Decision {
      return { decision: 'Permit', obligations: [], reason: 'allow-all decision point' };
    },
  };
}
