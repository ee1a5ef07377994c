/** The PEP plugin's config (`plugins.pep`): the protected upstream services. */
import type { JSONSchema } from '../../core/plugin.js';

/** What a request is about, as the policies see it; `$1`... are the path rule's capture groups. */
export interface PepResourceConfig {
  type?: string;
  id?: string;
  owner?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** A finer resource or action for the paths a regular expression matches (first match wins). */
export interface PepPathRule {
  /** Regular expression over the path below the service's prefix ('/api/jobs/([^/]+)'). */
  path: string;
  /** Methods the rule applies to; all when absent. */
  methods?: string[];
  resource?: PepResourceConfig;
  /** The action for this rule, instead of the method's. */
  action?: string;
}

export interface PepServiceConfig {
  /** Path segment: the service is at `<mount>/<name>/`. */
  name: string;
  /** http(s) URL of the upstream; the path below the prefix is appended to its path. */
  target: string;
  /** The resource of every request, before path rules; default `{ type: 'service', id: <name> }`. */
  resource?: PepResourceConfig;
  /** HTTP method -> action; merged over the default (GET/HEAD/OPTIONS read, POST/PUT/PATCH write, DELETE delete). */
  actions?: Record<string, string>;
  rules?: PepPathRule[];
  /** Send the subject as X-Forwarded-User / X-Forwarded-Groups / X-Forwarded-Issuer (incoming ones are always removed). */
  forwardIdentity: boolean;
  /** Pass the client's Authorization and X-API-Key on to the upstream (off: they are removed). */
  passCredentials: boolean;
  /** Send the client's Host instead of the target's. */
  preserveHost: boolean;
  /** Time for the upstream to start answering, ms (504 after). */
  timeoutMs: number;
}

export interface PepConfig {
  services: PepServiceConfig[];
}

const resourceSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', minLength: 1 },
    id: { type: 'string', minLength: 1 },
    owner: { type: 'string', minLength: 1 },
    attributes: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  },
};

export const pepConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    services: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'target'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9._~-]+$' },
          target: { type: 'string', pattern: '^https?://' },
          resource: resourceSchema,
          actions: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
          rules: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['path'],
              properties: {
                path: { type: 'string', minLength: 1 },
                methods: { type: 'array', items: { type: 'string', minLength: 1 } },
                resource: resourceSchema,
                action: { type: 'string', minLength: 1 },
              },
            },
          },
          forwardIdentity: { type: 'boolean', default: true },
          passCredentials: { type: 'boolean', default: false },
          preserveHost: { type: 'boolean', default: false },
          timeoutMs: { type: 'integer', minimum: 1, default: 30000 },
        },
      },
    },
  },
};

export const DEFAULT_ACTIONS: Record<string, string> = {
  GET: 'read',
  HEAD: 'read',
  OPTIONS: 'read',
  POST: 'write',
  PUT: 'write',
  PATCH: 'write',
  DELETE: 'delete',
};
