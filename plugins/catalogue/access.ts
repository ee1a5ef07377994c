/**
 * Read access: one authorize() per query. A Permit's `filter` obligations become filters ANDed
 * into the SQL; anything else (a Deny, an obligation the engine cannot fulfil) reads nothing.
 */
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { filterObligations } from '../../core/auth/obligations.js';
import type { Filter } from '../../core/filter/index.js';

export const RECORD_RESOURCE = { type: 'record', service: 'catalogue' } as const;

/** null: the subject may read nothing; otherwise the filters every read must AND in. */
export async function readFilters(auth: AuthHooks, subject: Subject, logger: Logger): Promise<Filter[] | null> {
  const decision = await auth.authorize(subject, { ...RECORD_RESOURCE }, 'read');
  if (decision.decision !== 'Permit') return null;
  return filterObligations(decision.obligations, logger, 'catalogue');
}
