/** The `pdp` plugin's config (plugins.pdp) and the options of its `xacml` decision point. */
import { API_KEY_ISSUER, LOCAL_USER_ISSUER } from '../../core/auth/subjects.js';
import type { JSONSchema } from '../../core/plugin.js';

export interface PdpConfig {
  /** The domain (tenant) core decisions and `/pdp/decision` use. */
  defaultDomain: string;
  /** Largest decision request body, bytes; larger ones get 413. */
  maxRequestBytes: number;
  /** Largest policy document the PAP accepts, bytes. */
  maxPolicyBytes: number;
  /** How often other processes' policy changes are looked for, ms; 0: never (one process). */
  pollIntervalMs: number;
  /** Subjects of these issuers without groups get theirs from the core users table. */
  groupIssuers: string[];
  /** How long groups looked up in the users table are reused, ms. */
  groupCacheMs: number;
  /** Resource owners kept in memory (the ownership attribute finder's cache). */
  ownerCacheSize: number;
  /** Most individual decisions one Multiple Decision request may expand to. */
  maxMultipleDecisions: number;
}

export const DEFAULT_DOMAIN = 'default';

/** Domain names: path-safe, as they appear in URLs and in group names (`admin:<domain>`). */
export const DOMAIN_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export const pdpConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    defaultDomain: { type: 'string', pattern: DOMAIN_PATTERN, default: DEFAULT_DOMAIN, description: 'Domain (tenant) of core decisions and of /pdp/decision.' },
    maxRequestBytes: { type: 'integer', minimum: 256, default: 262144, description: 'Largest XACML decision request body in bytes (413 above).' },
    maxPolicyBytes: { type: 'integer', minimum: 256, default: 1048576, description: 'Largest Policy/PolicySet document the PAP accepts, in bytes.' },
    pollIntervalMs: { type: 'integer', minimum: 0, default: 2000, description: 'How often changes made by other processes are looked for (ms); 0 turns polling off.' },
    groupIssuers: {
      type: 'array',
      items: { type: 'string' },
      default: [LOCAL_USER_ISSUER, API_KEY_ISSUER],
      description: 'Issuers whose subjects, when they come without groups, get the groups of the core user of the same id.',
    },
    groupCacheMs: { type: 'integer', minimum: 0, default: 30000, description: 'How long groups read from the users table are reused (ms).' },
    ownerCacheSize: { type: 'integer', minimum: 0, default: 10000, description: 'Resource owners kept in memory by the ownership attribute finder.' },
    maxMultipleDecisions: { type: 'integer', minimum: 1, default: 100, description: 'Most individual decisions a Multiple Decision request may expand to.' },
  },
};

/** `auth.decisionPoint.options` when `auth.decisionPoint.type` is `xacml`. */
export interface XacmlDecisionPointOptions {
  /** The domain whose policies decide; default: the plugin's defaultDomain. */
  domain?: string;
}

export function decisionPointOptions(config: Record<string, unknown>, fallbackDomain: string): Required<XacmlDecisionPointOptions> {
  const options = (config.options ?? {}) as Record<string, unknown>;
  const domain = options.domain ?? fallbackDomain;
  if (typeof domain !== 'string' || !new RegExp(DOMAIN_PATTERN).test(domain)) {
    throw new Error(`auth.decisionPoint.options.domain: '${String(domain)}' is not a domain name (${DOMAIN_PATTERN})`);
  }
  const unknown = Object.keys(options).filter((k) => k !== 'domain');
  if (unknown.length) throw new Error(`auth.decisionPoint.options: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for the xacml decision point`);
  return { domain };
}
