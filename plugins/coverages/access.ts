/**
 * Read access to a coverage: one authorize() per coverage and subject. A Permit's `filter`
 * obligations (the visibility filters of the default policy) are evaluated on the coverage's
 * owner and visibility; any other obligation, or a filter that fails, denies.
 */
import type { Logger } from 'pino';
import type { AuthHooks, Decision, Subject } from '../../core/auth/types.js';
import { obligationsPermit } from '../../core/auth/obligations.js';

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

function permits(obligations: Decision['obligations'], coverage: CoverageAccess, logger: Logger): boolean {
  return obligationsPermit(obligations, { id: coverage.id, properties: { owner: coverage.owner ?? null, visibility: coverage.visibility } }, logger, 'coverages');
}
