/**
 * Read access to a coverage: one authorize() per coverage and subject. A Permit's `filter`
 * obligations (the visibility filters of the default policy) are evaluated on the coverage's
 * owner and visibility; any other obligation, or a filter that fails, denies.
 */
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { evaluateFilter, parseCql2Json, parseCql2Text } from '../../core/filter/index.js';

export interface CoverageAccess {
  id: string;
  owner?: string;
  visibility: string;
}

export const COVERAGE_RESOURCE = { type: 'coverage', service: 'coverages' } as const;

// The decision cache hands back the same Decision for the same subject and resource, so its
// answer for this resource is remembered with it: no obligation is parsed on the hot path.
const answers = new WeakMap<object, boolean>();

export async function mayRead(auth: AuthHooks, logger: Logger, subject: Subject, coverage: CoverageAccess): Promise<boolean> {
  const decision = await auth.authorize(
    subject,
    { ...COVERAGE_RESOURCE, id: coverage.id, owner: coverage.owner, attributes: { visibility: coverage.visibility } },
    'read',
  );
  if (decision.decision !== 'Permit') return false;
  const known = answers.get(decision);
  if (known !== undefined) return known;
  const answer = permits(decision.obligations, coverage, logger);
  answers.set(decision, answer);
  return answer;
}

function permits(obligations: Array<{ id: string; attributes: Record<string, unknown> }>, coverage: CoverageAccess, logger: Logger): boolean {
  for (const obligation of obligations) {
    const { lang, filter } = obligation.attributes;
    if (obligation.id !== 'filter' || filter === undefined) {
      logger.warn({ obligation: obligation.id }, 'coverages: unknown obligation, read denied');
      return false;
    }
    try {
      const parsed = lang === 'cql2-text' && typeof filter === 'string' ? parseCql2Text(filter, { locator: 'policy' }) : parseCql2Json(filter, { locator: 'policy' });
      if (!evaluateFilter(parsed, { id: coverage.id, properties: { owner: coverage.owner ?? null, visibility: coverage.visibility } })) return false;
    } catch (err) {
      logger.warn({ err }, 'coverages: unusable filter obligation, read denied');
      return false;
    }
  }
  return true;
}
