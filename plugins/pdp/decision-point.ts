/**
 * The `xacml` decision point: every plugin's authorize() evaluated by this plugin's PDP in
 * process. Requests are mapped straight to the engine's request context with the attributes
 * the core's XACML mapping gives (the one the xacml-remote decision point sends), and Results
 * straight to Decisions (request-mapping.ts), so the built-in PDP and a remote one see the same
 * attributes and give the same Decisions, without JSON in between.
 */
import type { AuthorizationRequest, Decision, DecisionPoint } from '../../core/auth/types.js';
import type { Domains } from './domains.js';
import { decisionOf, engineRequestOf } from './request-mapping.js';
import { withSearchShares } from './search-shares.js';
import type { XacmlResult } from './xacml/index.js';

/** A core request decided by a domain's policies; synchronous work unless a finder must be awaited. */
export function decideIn(domains: Domains, domain: string, request: AuthorizationRequest): Promise<Decision> {
  const loaded = domains.loaded(domain);
  if (!loaded) return domains.get(domain).then(() => decideIn(domains, domain, request));
  try {
    const result = loaded.pdp.evaluateOne(engineRequestOf(request));
    if (result instanceof Promise) return result.then((r: XacmlResult) => withSearchShares(decisionOf(r, request.subject), request, loaded.searchShares));
    return Promise.resolve(withSearchShares(decisionOf(result, request.subject), request, loaded.searchShares));
  } catch (err) {
    return Promise.reject(err);
  }
}

export function createXacmlDecisionPoint(domains: Domains, domain: string): DecisionPoint {
  return {
    name: 'xacml',
    decide: (request: AuthorizationRequest): Promise<Decision> => decideIn(domains, domain, request),
  };
}
