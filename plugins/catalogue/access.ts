/**
 * Read access: one authorize() per query. A Permit's `filter` obligations become filters ANDed
 * into the SQL; anything else (a Deny, an obligation the engine cannot fulfil) reads nothing.
 */
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { parseCql2Json, parseCql2Text, type Filter } from '../../core/filter/index.js';

export const RECORD_RESOURCE = { type: 'record', service: 'catalogue' } as const;

/** null: the subject may read nothing; otherwise the filters every read must AND in. */
export async function readFilters(auth: AuthHooks, subject: Subject, logger: Logger): Promise<Filter[] | null> {
  const decision = await auth.authorize(subject, { ...RECORD_RESOURCE }, 'read');
  if (decision.decision !== 'Permit') return null;
  const filters: Filter[] = [];
  for (const obligation of decision.obligations) {
    const { lang, filter } = obligation.attributes;
    if (obligation.id !== 'filter' || filter === undefined) {
      // Obligations are binding: one the engine cannot fulfil denies.
      logger.warn({ obligation: obligation.id }, 'catalogue: unknown obligation, read denied');
      return null;
    }
    try {
      if (lang === undefined || lang === 'cql2-json') filters.push(parseCql2Json(filter, { locator: 'policy' }));
      else if (lang === 'cql2-text' && typeof filter === 'string') filters.push(parseCql2Text(filter, { locator: 'policy' }));
      else throw new Error(`filter language '${String(lang)}' not supported`);
    } catch (err) {
      logger.warn({ err }, 'catalogue: unusable filter obligation, read denied');
      return null;
    }
  }
  return filters;
}
