import { DEFAULT_DECISION_CACHE, type DecisionCacheConfig } from './decision-cache.js';
import { defaultRules } from './decision-points/default-rules.js';
import type { RuleConfig } from './decision-points/rules.js';
import type { JwtIssuerConfig } from './jwt.js';

/** One link of the authenticator chain, in config. Several `jwt` entries trust several issuers. */
export type AuthenticatorConfig =
  | { type: 'anonymous' }
  | { type: 'apikey' }
  | { type: 'basic' }
  | ({ type: 'jwt' } & JwtIssuerConfig);

export type AuthenticatorType = AuthenticatorConfig['type'];

/**
 * The decision point: a built-in type with its settings, or a type a plugin registered
 * (settings under `options`, handed to the plugin's factory with the rest of this object).
 */
export interface DecisionPointConfig {
  type: string;
  /** `rules`: the rule table; absent means the embedded default rules. */
  rules?: RuleConfig[];
  /** `xacml-remote`: the PDP's URL. */
  url?: string;
  /** `xacml-remote`: time limit of one decision request, ms. */
  timeoutMs?: number;
  /** `xacml-remote`: extra request headers. */
  headers?: Record<string, string>;
  /** Settings of a plugin-registered type. */
  options?: Record<string, unknown>;
}

/** The `auth` section of the config. */
export interface AuthConfig {
  realm?: string;
  authenticators?: AuthenticatorConfig[];
  decisionPoint?: DecisionPointConfig;
  decisionCache?: Partial<DecisionCacheConfig>;
  /** Create the `admin` user and its credentials file on first start. */
  bootstrapAdmin?: boolean;
}

export interface ResolvedAuthConfig {
  realm: string;
  authenticators: AuthenticatorConfig[];
  decisionPoint: DecisionPointConfig;
  decisionCache: DecisionCacheConfig;
  bootstrapAdmin: boolean;
}

export const DEFAULT_REALM = 'meridian';

/**
 * The embedded default: API keys, local users over HTTP Basic, then anonymous; the default
 * rules (anyone reads what is public, admins and owners may do anything); a 5 s decision cache.
 */
export const defaultAuthConfig: ResolvedAuthConfig = {
  realm: DEFAULT_REALM,
  authenticators: [{ type: 'apikey' }, { type: 'basic' }, { type: 'anonymous' }],
  decisionPoint: { type: 'rules', rules: defaultRules },
  decisionCache: { ...DEFAULT_DECISION_CACHE },
  bootstrapAdmin: true,
};

/** Fills what `config` leaves out from the embedded default. */
export function resolveAuthConfig(config: AuthConfig = {}): ResolvedAuthConfig {
  const decisionPoint = config.decisionPoint ?? defaultAuthConfig.decisionPoint;
  return {
    realm: config.realm ?? DEFAULT_REALM,
    authenticators: config.authenticators ?? defaultAuthConfig.authenticators,
    decisionPoint: decisionPoint.type === 'rules' && decisionPoint.rules === undefined ? { ...decisionPoint, rules: defaultRules } : decisionPoint,
    decisionCache: { ...DEFAULT_DECISION_CACHE, ...config.decisionCache },
    bootstrapAdmin: config.bootstrapAdmin ?? defaultAuthConfig.bootstrapAdmin,
  };
}

/** Whether the chain needs the database (API keys, local users). */
export function authNeedsDatabase(config: ResolvedAuthConfig): boolean {
  return config.authenticators.some((a) => a.type === 'apikey' || a.type === 'basic');
}
