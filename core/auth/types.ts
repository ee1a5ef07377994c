import type { Context } from 'koa';

/** Who makes a request. Anonymous requests get ANONYMOUS (id 'anonymous', no groups). */
export interface Subject {
  id: string;
  /** Issuer URL for token subjects, 'meridian:apikey' for API keys, '' for anonymous. */
  issuer: string;
  claims: Record<string, unknown>;
  groups: string[];
  anonymous: boolean;
  /** Which authenticator recognised the subject ('jwt', 'apikey', 'anonymous', ...). */
  method: string;
}

/**
 * One link of the authenticator chain. Returns a subject when it recognises the request's
 * credentials, null when the request carries none of its kind (the chain moves on), and throws
 * Unauthenticated when credentials of its kind are present but invalid.
 */
export interface Authenticator {
  readonly name: string;
  /**
   * May answer synchronously (a remembered token): the chain then decides without a promise
   * turn, which on a small request is a measurable share of its cost.
   */
  authenticate(ctx: Context): Subject | null | Promise<Subject | null>;
  /**
   * The WWW-Authenticate challenge this authenticator offers ('Bearer realm="meridian"'), sent
   * with a 401 when a request without credentials is refused. Omit when the scheme has none.
   */
  challenge?(): string;
}

/** What an operation acts on. `type` names the kind ('collection', 'layer', 'process', 'bucket'...). */
export interface Resource {
  type: string;
  id?: string;
  /** Plugin (service) the resource belongs to, e.g. 'wms'. */
  service?: string;
  owner?: string;
  attributes?: Record<string, unknown>;
}

/** Something the enforcing plugin must do with a Permit, e.g. `{ id: 'filter', attributes: {...} }`. */
export interface Obligation {
  id: string;
  attributes: Record<string, unknown>;
}

export type DecisionValue = 'Permit' | 'Deny' | 'NotApplicable' | 'Indeterminate';

export interface Decision {
  decision: DecisionValue;
  obligations: Obligation[];
  advice?: Obligation[];
  /** For logs; never shown to a client. */
  reason?: string;
}

export interface AuthorizationRequest {
  subject: Subject;
  resource: Resource;
  action: string;
  context: Record<string, unknown>;
}

/** A policy decision point: `allow-all`, `rules`, `xacml-remote`, or one a plugin registers. */
export interface DecisionPoint {
  readonly name: string;
  /** May answer synchronously (a compiled policy in process); a remote point returns a promise. */
  decide(request: AuthorizationRequest): Decision | Promise<Decision>;
  /**
   * True when deciding costs less than finding the decision in the decision cache (a compiled
   * rule table in process, whose key alone would take longer to build): such a point is asked
   * every time, and the cache is kept for the costlier ones (XACML, a remote point).
   */
  readonly cheaperThanCache?: boolean;
  close?(): Promise<void>;
}

export type DecisionPointFactory = (config: Record<string, unknown>) => DecisionPoint | Promise<DecisionPoint>;

/** What the core gives every plugin to decide who may do what. */
export interface AuthHooks {
  /** Runs the authenticator chain; the core calls it once per request into ctx.state.subject. */
  authenticate(ctx: Context): Promise<Subject>;
  /** Asks the decision point (through the decision cache). Never throws for a Deny. */
  authorize(subject: Subject, resource: Resource, action: string, context?: Record<string, unknown>): Promise<Decision>;
  /**
   * authorize() and enforce: resolves with the Permit (and its obligations); throws Unauthenticated
   * (401) for an anonymous subject that is not permitted, Forbidden (403) for any other.
   */
  enforce(ctx: Context, resource: Resource, action: string, context?: Record<string, unknown>): Promise<Decision>;
  /**
   * Adds an authenticator to the chain (e.g. SigV4 from the S3 plugin), before `anonymous`;
   * `first: true` puts it before the configured ones, for one that claims only credentials it
   * issued and returns null for others (the OIDC plugin's own tokens).
   */
  addAuthenticator(authenticator: Authenticator, options?: { first?: boolean }): void;
  /** Lets a plugin supply a decision point type that config can name (the built-in XACML PDP). */
  registerDecisionPoint(type: string, factory: DecisionPointFactory): void;
  /**
   * A plugin tells the platform that `subject` created `resource` (created a bucket, deployed a
   * process, uploaded a product), so that policies can make them its owner. Resolves once every
   * listener has recorded it; a listener's failure rejects, so the plugin can undo the creation.
   */
  resourceCreated(subject: Subject, resource: Resource): Promise<void>;
  /** The resource is gone: ownership records and shares of it are dropped. */
  resourceDeleted(resource: Resource): Promise<void>;
  /** Registers who keeps ownership (the built-in PDP's ownership store). */
  onResourceLifecycle(listener: ResourceLifecycleListener): void;
  /** Forgets cached decisions: a policy, an owner or a share changed. */
  invalidateDecisions(): void;
  /**
   * Called whenever cached decisions are forgotten (invalidateDecisions, resourceCreated,
   * resourceDeleted), so an engine that keeps answers derived from decisions drops them too.
   */
  onDecisionsInvalidated(listener: () => void): void;
  /**
   * Lets the engine that keeps a kind of resource say who owns one (the catalogue: a record's
   * owner column), for what knows only its key: the PDP's sharing API and owner attribute.
   * One per service and type; a later registration replaces an earlier one.
   */
  registerOwnerLookup(service: string, type: string, lookup: OwnerLookup): void;
  /** The owner the resource's engine knows of; undefined when none registered or none recorded. */
  ownerOf(resource: { service?: string; type: string; id: string }): Promise<string | undefined>;
}

export type OwnerLookup = (id: string) => Promise<string | undefined>;

export interface ResourceLifecycleListener {
  created(subject: Subject, resource: Resource): Promise<void>;
  deleted(resource: Resource): Promise<void>;
}
