import type { JSONSchema } from '../plugin.js';
import { DEFAULT_DECISION_CACHE } from './decision-cache.js';
import { DEFAULT_XACML_TIMEOUT_MS } from './decision-points/xacml-remote.js';
import { ASYMMETRIC_ALGORITHMS, DEFAULT_CLOCK_TOLERANCE_SEC, DEFAULT_GROUPS_CLAIM, DEFAULT_JWT_ALGORITHMS } from './jwt.js';
import { DEFAULT_REALM } from './config.js';

/**
 * JSON Schema (draft-07, for ajv) of the `auth` config section. Every object rejects unknown
 * keys and every key has a description, so config errors can name what was expected.
 */

const stringOrList = (description: string): JSONSchema => ({
  description,
  type: ['string', 'array'],
  items: { type: 'string', minLength: 1 },
  minLength: 1,
  minItems: 1,
});

const scalar: JSONSchema = { type: ['string', 'number', 'boolean'] };

const JWT_KEYS = ['issuer', 'jwksUri', 'audience', 'groupsClaim', 'algorithms', 'clockToleranceSec', 'jwksCooldownMs', 'jwksCacheMaxAgeMs', 'jwksTimeoutMs'] as const;

const authenticatorSchema: JSONSchema = {
  description: 'One link of the authenticator chain, tried in order; the first that recognises the request\'s credentials decides who the subject is.',
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: {
      description: 'anonymous: requests without credentials get the anonymous subject (must be last; without it they get 401). apikey: X-API-Key or Authorization: ApiKey. basic: HTTP Basic against local users. jwt: bearer JWTs of one trusted issuer (repeat the entry to trust several).',
      enum: ['anonymous', 'apikey', 'basic', 'jwt'],
    },
    issuer: { description: 'jwt: the trusted issuer, exactly as its tokens write `iss`.', type: 'string', minLength: 1 },
    jwksUri: { description: 'jwt: URL of the issuer\'s JSON Web Key Set (its `jwks_uri`).', type: 'string', minLength: 1 },
    audience: stringOrList('jwt: accepted `aud` value(s); a token must name at least one.'),
    groupsClaim: {
      description: `jwt: claim path of the subject's groups: 'groups', 'realm_access.roles' (dots walk into objects), 'scope' (a space-separated string). Default '${DEFAULT_GROUPS_CLAIM}'.`,
      type: 'string',
      minLength: 1,
    },
    algorithms: {
      description: `jwt: signature algorithms accepted, asymmetric only (HS* and none are refused). Default ${DEFAULT_JWT_ALGORITHMS.join(', ')}.`,
      type: 'array',
      minItems: 1,
      items: { enum: [...ASYMMETRIC_ALGORITHMS] },
    },
    clockToleranceSec: { description: `jwt: allowed clock skew when checking exp and nbf, seconds. Default ${DEFAULT_CLOCK_TOLERANCE_SEC}.`, type: 'integer', minimum: 0, maximum: 300 },
    jwksCooldownMs: { description: 'jwt: least time between two key fetches caused by a token with an unknown kid, ms. Default 30000.', type: 'integer', minimum: 0 },
    jwksCacheMaxAgeMs: { description: 'jwt: longest time fetched keys are used before being fetched again, ms. Default 600000.', type: 'integer', minimum: 0 },
    jwksTimeoutMs: { description: 'jwt: time limit of one key fetch, ms. Default 5000.', type: 'integer', minimum: 1 },
  },
  if: { properties: { type: { const: 'jwt' } } },
  then: { required: ['issuer', 'jwksUri', 'audience'] },
  else: { properties: Object.fromEntries(JWT_KEYS.map((k) => [k, false])) },
};

const subjectSelectorSchema: JSONSchema = {
  description: 'Whom the rule is about: a subject matches when it is any of the kinds given. Omit for everyone.',
  type: 'object',
  additionalProperties: false,
  properties: {
    anonymous: { description: 'true: requests without credentials.', type: 'boolean' },
    authenticated: { description: 'true: any authenticated subject.', type: 'boolean' },
    groups: { description: 'Authenticated subjects in at least one of these groups.', type: 'array', items: { type: 'string', minLength: 1 } },
    ids: { description: 'Authenticated subjects with one of these ids.', type: 'array', items: { type: 'string', minLength: 1 } },
  },
};

const attributeConditionSchema: JSONSchema = {
  description: 'Tests on one resource attribute; all given must hold.',
  type: 'object',
  additionalProperties: false,
  properties: {
    equals: { description: 'The attribute equals this value.', ...scalar },
    in: { description: 'The attribute is present and one of these values.', type: 'array', items: scalar },
    notIn: { description: 'The attribute is absent or none of these values.', type: 'array', items: scalar },
    exists: { description: 'true: the attribute is present; false: it is absent.', type: 'boolean' },
  },
};

const resourceSelectorSchema: JSONSchema = {
  description: 'Which resources the rule is about; patterns are globs (* is any run of characters); absent keys match anything.',
  type: 'object',
  additionalProperties: false,
  properties: {
    service: stringOrList("Service (plugin) the resource belongs to: 'wms', ['wms', 'wmts'], '*'."),
    type: stringOrList("Kind of resource: 'layer', 'collection', 'process'..."),
    id: stringOrList("Resource id pattern: 'sentinel2-*'."),
    owner: { description: "'$subject': the resource is owned by the requesting authenticated subject; otherwise a glob on the owner.", type: 'string', minLength: 1 },
    attributes: {
      description: 'Conditions on resource attributes, by attribute name: { visibility: { notIn: [private] } }.',
      type: 'object',
      additionalProperties: attributeConditionSchema,
    },
  },
};

const obligationSchema: JSONSchema = {
  description: 'Something the enforcing plugin must do with the decision, e.g. a filter on search results.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'attributes'],
  properties: {
    id: { description: "The obligation's name, e.g. 'filter'.", type: 'string', minLength: 1 },
    attributes: {
      description: "Its parameters, free-form; string values '$subject.id', '$subject.issuer', '$subject.groups' are replaced by the subject's.",
      type: 'object',
    },
  },
};

const ruleSchema: JSONSchema = {
  description: 'One rule of the table.',
  type: 'object',
  additionalProperties: false,
  required: ['effect', 'actions'],
  properties: {
    name: { description: 'Names the rule in decision logs.', type: 'string' },
    effect: { description: 'What the rule decides when it applies.', enum: ['permit', 'deny'] },
    subjects: subjectSelectorSchema,
    resources: resourceSelectorSchema,
    actions: { description: "Actions the rule covers ('read', 'write', 'delete', 'execute'...); '*' is any.", type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    obligations: { description: 'Returned with the decision when the rule applies.', type: 'array', items: obligationSchema },
  },
};

const decisionPointSchema: JSONSchema = {
  description: 'Who decides: allow-all (development only), rules (a table in this file), xacml-remote (a PDP over the XACML 3.0 JSON profile), or a type a plugin registers.',
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { description: "'allow-all', 'rules', 'xacml-remote', or a type registered by a plugin (e.g. the built-in XACML PDP).", type: 'string', minLength: 1 },
    rules: {
      description: 'rules: the rule table, tried in order; the first rule that applies decides (first-applicable); none applies means deny. Absent: the embedded default rules.',
      type: 'array',
      items: ruleSchema,
    },
    url: { description: 'xacml-remote: URL of the PDP decision endpoint (POST application/xacml+json).', type: 'string', minLength: 1 },
    timeoutMs: { description: `xacml-remote: time limit of one decision request, ms; no answer in time means deny. Default ${DEFAULT_XACML_TIMEOUT_MS}.`, type: 'integer', minimum: 1 },
    headers: { description: 'xacml-remote: extra HTTP headers sent to the PDP (e.g. Authorization).', type: 'object', additionalProperties: { type: 'string' } },
    options: { description: 'Settings of a plugin-registered decision point type, passed to its factory.', type: 'object' },
  },
  allOf: [
    { if: { properties: { type: { const: 'xacml-remote' } } }, then: { required: ['url'] } },
  ],
};

export const authConfigSchema: JSONSchema = {
  description: 'Authentication (who) and authorization (may they): the authenticator chain, the decision point and its cache.',
  type: 'object',
  additionalProperties: false,
  properties: {
    realm: { description: 'Realm named in WWW-Authenticate challenges.', type: 'string', minLength: 1, default: DEFAULT_REALM },
    authenticators: {
      description: 'The authenticator chain, in order. Default: apikey, basic, anonymous.',
      type: 'array',
      items: authenticatorSchema,
    },
    decisionPoint: decisionPointSchema,
    decisionCache: {
      description: 'Short-lived cache of decisions, keyed by subject, resource, action and context.',
      type: 'object',
      additionalProperties: false,
      properties: {
        ttlMs: { description: 'How long a decision is reused, ms; 0 turns the cache off.', type: 'integer', minimum: 0, default: DEFAULT_DECISION_CACHE.ttlMs },
        max: { description: 'Most decisions kept.', type: 'integer', minimum: 1, default: DEFAULT_DECISION_CACHE.max },
      },
    },
    bootstrapAdmin: {
      description: 'On first start, create user admin (group admin) with a random password and an API key, written once to <dataDir>/admin-credentials.json (mode 0600).',
      type: 'boolean',
      default: true,
    },
  },
};
