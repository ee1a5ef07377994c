import assert from 'node:assert/strict';
import { Ajv, type ErrorObject } from 'ajv';
import { authConfigSchema } from '../../../core/auth/config-schema.js';
import { defaultAuthConfig, resolveAuthConfig } from '../../../core/auth/config.js';

function validator() {
  // Stricter than the core's validator (strict: false), so the schema is clean for both; strictRequired
  // is off because if/then restates required keys that the parent schema defines.
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(authConfigSchema);
}

function errorsOf(value: unknown): ErrorObject[] {
  const validate = validator();
  assert.equal(validate(value), false, `expected ${JSON.stringify(value)} to be invalid`);
  return validate.errors ?? [];
}

/** Visits every subschema that declares `properties`. */
function walk(schema: unknown, path: string, visit: (schema: Record<string, unknown>, path: string) => void): void {
  if (schema === null || typeof schema !== 'object') return;
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object') visit(s, path);
  for (const [key, value] of Object.entries(s)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value)) walk(sub, `${path}.${name}`, visit);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}.${key}[${i}]`, visit));
    } else if (typeof value === 'object') {
      walk(value, `${path}.${key}`, visit);
    }
  }
}

describe('core/auth/config-schema', () => {
  it('compiles under ajv strict mode and accepts the embedded default', () => {
    const validate = validator();
    assert.equal(validate(structuredClone(defaultAuthConfig)), true, JSON.stringify(validate.errors));
  });

  it('rejects unknown keys and describes every key of every object', () => {
    walk(authConfigSchema, 'auth', (schema, path) => {
      if (path.endsWith('.else') || path.includes('.if')) return; // if/then/else only restate keys
      assert.ok(schema.additionalProperties !== undefined, `${path}: additionalProperties`);
      for (const [name, property] of Object.entries(schema.properties as Record<string, unknown>)) {
        if (property === false) continue;
        assert.equal(typeof (property as { description?: unknown }).description, 'string', `${path}.${name}: description`);
      }
    });
  });

  it('accepts a full platform config: two JWT issuers, API keys, rules with every selector, a cache', () => {
    const validate = validator();
    const config = {
      realm: 'eo',
      authenticators: [
        { type: 'apikey' },
        { type: 'jwt', issuer: 'https://login.example/oidc', jwksUri: 'https://login.example/oidc/jwks', audience: ['meridian'], algorithms: ['RS256', 'ES256'], clockToleranceSec: 10 },
        { type: 'jwt', issuer: 'https://kc.example/realms/eo', jwksUri: 'https://kc.example/realms/eo/certs', audience: 'account', groupsClaim: 'realm_access.roles', jwksCooldownMs: 60000 },
        { type: 'anonymous' },
      ],
      decisionPoint: {
        type: 'rules',
        rules: [
          { name: 'no deletes', effect: 'deny', resources: { service: '*', type: 'layer' }, actions: ['delete'] },
          {
            effect: 'permit',
            subjects: { authenticated: true, groups: ['eo'], ids: ['alice'], anonymous: false },
            resources: { service: ['wms', 'wmts'], id: 'S2*', owner: '$subject', attributes: { visibility: { notIn: ['private'], exists: true }, level: { equals: 'L2A' } } },
            actions: ['read', 'write'],
            obligations: [{ id: 'filter', attributes: { owner: '$subject.id' } }],
          },
        ],
      },
      decisionCache: { ttlMs: 0, max: 10 },
      bootstrapAdmin: false,
    };
    assert.equal(validate(config), true, JSON.stringify(validate.errors, null, 1));
    assert.equal(validate({ decisionPoint: { type: 'xacml-remote', url: 'https://pdp.example/authorization/pdp', timeoutMs: 500, headers: { Authorization: 'Basic x' } } }), true);
    assert.equal(validate({ decisionPoint: { type: 'xacml', options: { policies: 'policies/' } } }), true, 'plugin-registered type');
  });

  it('fills defaults the way the core validator will', () => {
    const validate = validator();
    const config: Record<string, unknown> = { decisionCache: {} };
    assert.equal(validate(config), true);
    assert.deepEqual(config, { realm: 'meridian', bootstrapAdmin: true, decisionCache: { ttlMs: 5000, max: 10000 } });
  });

  it('names the path of each error', () => {
    const paths = (value: unknown) => errorsOf(value).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`);
    assert.ok(paths({ decisionCache: { ttl: 1 } }).some((p) => p.startsWith('/decisionCache additionalProperties') && p.includes('ttl')));
    assert.ok(paths({ authenticators: [{ type: 'jwt', jwksUri: 'https://x', audience: 'a' }] }).some((p) => p.startsWith('/authenticators/0 required') && p.includes('issuer')));
    assert.ok(paths({ authenticators: [{ type: 'apikey', issuer: 'https://x' }] }).some((p) => p.startsWith('/authenticators/0/issuer false schema')));
    assert.ok(paths({ authenticators: [{ type: 'jwt', issuer: 'i', jwksUri: 'j', audience: 'a', algorithms: ['HS256'] }] }).some((p) => p.startsWith('/authenticators/0/algorithms/0 enum')));
    assert.ok(paths({ authenticators: [{ type: 'saml' }] }).some((p) => p.startsWith('/authenticators/0/type enum')));
    assert.ok(paths({ decisionPoint: { type: 'xacml-remote' } }).some((p) => p.startsWith('/decisionPoint required') && p.includes('url')));
    assert.ok(paths({ decisionPoint: { type: 'rules', rules: [{ effect: 'allow', actions: ['read'] }] } }).some((p) => p.startsWith('/decisionPoint/rules/0/effect enum')));
    assert.ok(paths({ decisionPoint: { type: 'rules', rules: [{ effect: 'permit', actions: ['read'], subjects: { group: ['x'] } }] } }).some((p) => p.startsWith('/decisionPoint/rules/0/subjects additionalProperties')));
  });

  it('resolveAuthConfig fills what config leaves out, and `rules` without rules means the default rules', () => {
    const resolved = resolveAuthConfig({ decisionPoint: { type: 'rules' }, decisionCache: { ttlMs: 0 } });
    assert.deepEqual(resolved.authenticators, defaultAuthConfig.authenticators);
    assert.equal(resolved.decisionPoint.rules, defaultAuthConfig.decisionPoint.rules);
    assert.deepEqual(resolved.decisionCache, { ttlMs: 0, max: 10000 });
  });
});
