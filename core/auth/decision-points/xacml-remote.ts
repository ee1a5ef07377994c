import type { Logger } from 'pino';
import type { AuthorizationRequest, Decision, DecisionPoint } from '../types.js';
import { bindDecision, fromXacmlResponse, toXacmlRequest } from './xacml-json.js';

export interface XacmlRemoteConfig {
  /** The PDP's decision endpoint (XACML REST profile: its `pdp` resource). */
  url: string;
  /** Time limit of one decision request, ms. */
  timeoutMs?: number;
  /** Extra request headers, e.g. the PDP's own Authorization. */
  headers?: Record<string, string>;
}

export const XACML_JSON_MEDIA_TYPE = 'application/xacml+json';
export const DEFAULT_XACML_TIMEOUT_MS = 2000;

/**
 * A remote PDP spoken to with the JSON Profile of XACML 3.0 over HTTP POST. Any failure (PDP
 * unreachable, timeout, HTTP error, unreadable answer) is Indeterminate, which enforcement
 * treats as a deny; the reason is logged.
 */
export function createXacmlRemoteDecisionPoint(config: XacmlRemoteConfig, logger: Pick<Logger, 'warn'>): DecisionPoint {
  const url = new URL(config.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('xacml-remote decision point: url must be http(s)');
  const timeoutMs = config.timeoutMs ?? DEFAULT_XACML_TIMEOUT_MS;
  const headers = {
    ...config.headers,
    'content-type': XACML_JSON_MEDIA_TYPE,
    accept: `${XACML_JSON_MEDIA_TYPE}, application/json`,
  };

  const failed = (reason: string, err?: unknown): Decision => {
    logger.warn({ pdp: url.href, reason, err }, 'remote PDP gave no decision; treating the request as denied');
    return { decision: 'Indeterminate', obligations: [], reason };
  };

  return {
    name: 'xacml-remote',
    async decide(request: AuthorizationRequest): Promise<Decision> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(toXacmlRequest(request)),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        const name = (err as Error).name;
        return failed(name === 'TimeoutError' ? `PDP did not answer within ${timeoutMs} ms` : `PDP unreachable: ${(err as Error).message}`, err);
      }
      let body: unknown;
      try {
        const text = await response.text();
        if (!response.ok) return failed(`PDP answered HTTP ${response.status}`);
        body = JSON.parse(text);
      } catch (err) {
        return failed(`PDP answer unreadable: ${(err as Error).message}`, err);
      }
      const decision = bindDecision(fromXacmlResponse(body), request.subject);
      if (decision.decision === 'Indeterminate') logger.warn({ pdp: url.href, reason: decision.reason }, 'remote PDP returned Indeterminate');
      return decision;
    },
  };
}
