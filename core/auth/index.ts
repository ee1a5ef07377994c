import type { Context } from 'koa';
import type { Logger } from 'pino';
import { Forbidden, Unauthenticated } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import { AuthenticatorChain } from './chain.js';
import { authNeedsDatabase, resolveAuthConfig, type AuthConfig, type DecisionPointConfig, type ResolvedAuthConfig } from './config.js';
import { DecisionCache } from './decision-cache.js';
import { createAllowAllDecisionPoint } from './decision-points/allow-all.js';
import { createRulesDecisionPoint, type RuleConfig } from './decision-points/rules.js';
import { createXacmlRemoteDecisionPoint } from './decision-points/xacml-remote.js';
import { migrateAuth } from './migrations.js';
import type { AuthHooks, Authenticator, Decision, DecisionPoint, DecisionPointFactory, OwnerLookup, Resource, ResourceLifecycleListener, Subject } from './types.js';

export * from './types.js';
export { ANONYMOUS, API_KEY_ISSUER, LOCAL_USER_ISSUER, authenticatedSubject, claimAt, groupsFromClaims, inAnyGroup, inGroup, isAnonymous } from './subjects.js';
export { authConfigSchema } from './config-schema.js';
export { defaultAuthConfig, resolveAuthConfig, type AuthConfig, type AuthenticatorConfig, type DecisionPointConfig, type ResolvedAuthConfig } from './config.js';
export { authMigrations, migrateAuth, AUTH_MIGRATIONS_OWNER, API_KEYS_TABLE, USERS_TABLE } from './migrations.js';
export { createApiKey, listApiKeys, revokeApiKey, verifyApiKey, parseApiKey, type ApiKeyInfo, type CreatedApiKey, type CreateApiKeyOptions } from './api-keys.js';
export { createUser, getUser, listUsers, setUserPassword, verifyUserPassword, type LocalUser } from './users.js';
export { ensureAdminUser, ADMIN_CREDENTIALS_FILE, ADMIN_GROUP, ADMIN_USER, type AdminBootstrapResult, type AdminCredentials } from './admin-bootstrap.js';
export { AuthenticatorChain } from './chain.js';
export { JwtAuthenticator, ASYMMETRIC_ALGORITHMS, type JwtIssuerConfig } from './jwt.js';
export { ApiKeyAuthenticator } from './apikey-authenticator.js';
export { BasicAuthenticator } from './basic-authenticator.js';
export { DecisionCache, decisionCacheKey, type DecisionCacheConfig } from './decision-cache.js';
export { createRulesDecisionPoint, type RuleConfig, type SubjectSelector, type ResourceSelector, type AttributeCondition } from './decision-points/rules.js';
export { defaultRules, VISIBILITY_FILTER_OBLIGATION } from './decision-points/default-rules.js';
export { filterObligations, obligationsPermit } from './obligations.js';
export { createXacmlRemoteDecisionPoint, type XacmlRemoteConfig } from './decision-points/xacml-remote.js';
export { XACML_ATTRIBUTE, XACML_CATEGORY, toXacmlRequest, fromXacmlResponse, bindObligation, bindDecision } from './decision-points/xacml-json.js';
export { createAllowAllDecisionPoint } from './decision-points/allow-all.js';

export interface AuthHooksOptions {
  /** Needed by the `apikey` and `basic` authenticators; their migrations are applied at creation. */
  db?: Database;
  logger: Logger;
  /** Clock of the decision cache (tests). */
  now?: () => number;
}

/** AuthHooks as the server assembly holds them: plus readiness, shutdown and what was configured. */
export interface MeridianAuthHooks extends AuthHooks {
  readonly config: ResolvedAuthConfig;
  readonly chain: AuthenticatorChain;
  readonly decisionCache: DecisionCache;
  /**
   * Creates the configured decision point if not done yet: call after plugins are set up, so
   * one a plugin registers exists; throws when the configured type is still unknown.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const BUILTIN_TYPES = ['allow-all', 'rules', 'xacml-remote'];

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Builds the auth hooks from the `auth` config section (embedded defaults fill what it leaves
 * out). Configuration errors throw here, at start-up.
 */
export async function createAuthHooks(config: AuthConfig | undefined, options: AuthHooksOptions): Promise<MeridianAuthHooks> {
  const resolved = resolveAuthConfig(config);
  const { db, logger } = options;
  if (db && authNeedsDatabase(resolved)) await migrateAuth(db);
  const chain = AuthenticatorChain.fromConfig(resolved.authenticators, { realm: resolved.realm, db, logger });
  const cache = new DecisionCache(resolved.decisionCache, options.now);
  const lifecycle: ResourceLifecycleListener[] = [];
  const ownerLookups = new Map<string, OwnerLookup>();
  const invalidationListeners: Array<() => void> = [];
  const invalidate = (): void => {
    cache.clear();
    for (const listener of invalidationListeners) listener();
  };
  const lookupKey = (service: string | undefined, type: string) => `${service ?? ''}\u0000${type}`;

  const factories = new Map<string, DecisionPointFactory>([
    ['allow-all', () => createAllowAllDecisionPoint(logger)],
    ['rules', (c) => createRulesDecisionPoint({ rules: c.rules as RuleConfig[] })],
    [
      'xacml-remote',
      (c) => {
        const { url, timeoutMs, headers } = c as Pick<DecisionPointConfig, 'url' | 'timeoutMs' | 'headers'>;
        if (!url) throw new Error('auth.decisionPoint: xacml-remote needs url');
        return createXacmlRemoteDecisionPoint({ url, timeoutMs, headers }, logger);
      },
    ],
  ]);

  const pointConfig = resolved.decisionPoint as DecisionPointConfig & Record<string, unknown>;
  let point: Promise<DecisionPoint> | undefined;
  // The point once made, so that a request does not wait on a settled promise for it.
  let made: DecisionPoint | undefined;
  const decisionPoint = (): Promise<DecisionPoint> => {
    if (!point) {
      const factory = factories.get(pointConfig.type);
      if (!factory) {
        return Promise.reject(new Error(`auth.decisionPoint: no decision point of type '${pointConfig.type}' is registered (built in: ${BUILTIN_TYPES.join(', ')})`));
      }
      const current = Promise.resolve(factory(pointConfig));
      point = current;
      current.then(
        (pdp) => {
          if (point === current) made = pdp;
        },
        () => undefined,
      );
    }
    return point;
  };
  // Built-in points are made now, so their config errors stop start-up and allow-all warns at once.
  if (BUILTIN_TYPES.includes(pointConfig.type)) await decisionPoint();

  const authenticate = (ctx: Context): Promise<Subject> => {
    try {
      return Promise.resolve(chain.authenticate(ctx));
    } catch (err) {
      return Promise.reject(err);
    }
  };

  const failed = (err: unknown, request: { action: string; resource: Resource }): Decision => {
    logger.error({ err, action: request.action, resource: request.resource }, 'decision point failed; treating the request as denied');
    return { decision: 'Indeterminate', obligations: [], reason: `decision point failed: ${(err as Error).message}` };
  };

  // The decision, synchronously when the point (or the cache) answers synchronously: a compiled
  // policy in process needs no promise turn, which on a small request is a measurable cost.
  const decide = (subject: Subject, resource: Resource, action: string, context: Record<string, unknown>): Decision | Promise<Decision> => {
    const request = { subject, resource, action, context };
    // A point cheaper than the cache's key is asked directly (DecisionPoint.cheaperThanCache).
    const ask = (p: DecisionPoint) => (p.cheaperThanCache ? p.decide(request) : cache.through(request, () => p.decide(request)));
    const pdp = made;
    if (!pdp) return decisionPoint().then(ask).catch((err: unknown) => failed(err, request));
    let answer: Decision | Promise<Decision>;
    try {
      answer = ask(pdp);
    } catch (err) {
      return failed(err, request);
    }
    return isPromise(answer) ? answer.catch((err: unknown) => failed(err, request)) : answer;
  };

  const authorize = (subject: Subject, resource: Resource, action: string, context: Record<string, unknown> = {}): Promise<Decision> => Promise.resolve(decide(subject, resource, action, context));

  const refuse = (subject: Subject, resource: Resource, action: string, decision: Decision): never => {
    const log = { subject: subject.id, method: subject.method, resource, action, decision: decision.decision, reason: decision.reason };
    if (subject.anonymous) {
      logger.debug(log, 'anonymous request not permitted; asking for credentials');
      throw new Unauthenticated('Authentication required', chain.challenge());
    }
    logger.info(log, 'access denied');
    throw new Forbidden();
  };

  const enforceAs = (subject: Subject, resource: Resource, action: string, context: Record<string, unknown>): Promise<Decision> => {
    const answer = decide(subject, resource, action, context);
    if (isPromise(answer)) return answer.then((decision) => (decision.decision === 'Permit' ? decision : refuse(subject, resource, action, decision)));
    if (answer.decision === 'Permit') return Promise.resolve(answer);
    try {
      return refuse(subject, resource, action, answer);
    } catch (err) {
      return Promise.reject(err);
    }
  };

  return {
    config: resolved,
    chain,
    decisionCache: cache,
    authenticate,
    authorize,
    enforce(ctx, resource, action, context = {}) {
      const known = ctx.state.subject as Subject | undefined;
      if (known) return enforceAs(known, resource, action, context);
      return authenticate(ctx).then((subject) => {
        ctx.state.subject = subject;
        return enforceAs(subject, resource, action, context);
      });
    },
    addAuthenticator(authenticator: Authenticator, options?: { first?: boolean }) {
      chain.add(authenticator, options);
    },
    async resourceCreated(subject, resource) {
      for (const listener of lifecycle) await listener.created(subject, resource);
      // Decisions cached before the creation may say NotApplicable for what is now owned.
      invalidate();
    },
    async resourceDeleted(resource) {
      for (const listener of lifecycle) await listener.deleted(resource);
      invalidate();
    },
    onResourceLifecycle(listener) {
      lifecycle.push(listener);
    },
    invalidateDecisions: invalidate,
    onDecisionsInvalidated(listener) {
      invalidationListeners.push(listener);
    },
    registerOwnerLookup(service, type, lookup) {
      // The latest wins: an engine set up again (a reload, a test) replaces its own lookup.
      ownerLookups.set(lookupKey(service, type), lookup);
    },
    async ownerOf(resource) {
      const lookup = ownerLookups.get(lookupKey(resource.service, resource.type));
      return lookup ? lookup(resource.id) : undefined;
    },
    registerDecisionPoint(type: string, factory: DecisionPointFactory) {
      if (factories.has(type)) throw new Error(`a decision point of type '${type}' is already registered`);
      factories.set(type, factory);
    },
    async ready() {
      await decisionPoint();
    },
    async close() {
      const current = point;
      point = undefined;
      made = undefined;
      if (current) await (await current.catch(() => undefined))?.close?.();
    },
  };
}
