/**
 * The pdp tests' harness: a real server with the pdp plugin (and, when asked, the features
 * engine and WFS) on one test database kind, users with API keys, and a small HTTP client.
 */
import { fileURLToPath } from 'node:url';
import { authenticatedSubject, createApiKey, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import type { PdpService } from '../../../plugins/pdp/index.js';
import type { TestDatabaseKind } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

export const XACML_NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';

export type Who = 'admin' | 'alice' | 'bob' | 'carol' | 'tenantAdmin';

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface PdpHarness {
  server: TestServer;
  pdp: PdpService;
  /** http://127.0.0.1:PORT/pdp */
  base: string;
  keys: Record<Who, string>;
  request(method: string, path: string, options?: { as?: Who; body?: string; type?: string; headers?: Record<string, string> }): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface PdpHarnessOptions {
  pdp?: Record<string, unknown>;
  plugins?: Record<string, unknown>;
  /** The auth section; default: the xacml decision point with no decision cache. */
  auth?: Record<string, unknown>;
  /** A database config to share with another server (the cross-process tests). */
  database?: Record<string, unknown>;
}

/** Subjects as API keys present them (ids and groups as in `keys`). */
export const subjects: Record<Who, Subject> = {
  admin: authenticatedSubject({ id: 'root', issuer: 'meridian:apikey', method: 'apikey', groups: ['admin'] }),
  alice: authenticatedSubject({ id: 'alice', issuer: 'meridian:apikey', method: 'apikey', groups: ['analysts'] }),
  bob: authenticatedSubject({ id: 'bob', issuer: 'meridian:apikey', method: 'apikey', groups: [] }),
  carol: authenticatedSubject({ id: 'carol', issuer: 'meridian:apikey', method: 'apikey', groups: ['reviewers'] }),
  tenantAdmin: authenticatedSubject({ id: 'tina', issuer: 'meridian:apikey', method: 'apikey', groups: ['admin:tenant1'] }),
};

export const user = (id: string, groups: string[] = []): Subject => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });

export async function startPdp(kind: TestDatabaseKind, options: PdpHarnessOptions = {}): Promise<PdpHarness> {
  let dispose = async () => {};
  let database = options.database;
  if (!database) {
    const test = await kind.open();
    await test.db.close();
    database = test.config as unknown as Record<string, unknown>;
    dispose = test.dispose;
  }
  let server: TestServer;
  try {
    server = await startTestServer(
      {
        sampleData: false,
        database,
        auth: options.auth ?? { decisionPoint: { type: 'xacml' }, decisionCache: { ttlMs: 0 } },
        plugins: { pdp: { pollIntervalMs: 0, ...options.pdp }, ...options.plugins },
      },
      { builtinDir },
    );
  } catch (err) {
    await dispose();
    throw err;
  }
  const db = server.meridian.stores.db;
  const keys = {} as Record<Who, string>;
  for (const [who, s] of Object.entries(subjects) as Array<[Who, Subject]>) {
    keys[who] = (await createApiKey(db, { user: s.id, groups: s.groups })).key;
  }
  const base = `${server.url}/pdp`;
  return {
    server,
    pdp: server.meridian.service<PdpService>('pdp'),
    base,
    keys,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.as) headers['X-API-Key'] = keys[o.as];
      if (o.body !== undefined) headers['Content-Type'] ??= o.type ?? 'application/xacml+json';
      const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { method, headers, body: o.body });
      const text = await res.text();
      let json: unknown;
      if (text && /json/.test(res.headers.get('content-type') ?? '')) json = JSON.parse(text);
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await server.close();
      await dispose();
    },
  };
}

/** A JSON Profile request: subject id and groups, resource attributes, one action. */
export function jsonRequest(subject: { id: string; groups?: string[]; anonymous?: boolean }, resource: Record<string, string>, action: string): string {
  const attr = (AttributeId: string, Value: unknown) => ({ AttributeId, Value });
  return JSON.stringify({
    Request: {
      AccessSubject: {
        Attribute: [
          attr('urn:oasis:names:tc:xacml:1.0:subject:subject-id', subject.id),
          ...(subject.groups?.length ? [attr('urn:oasis:names:tc:xacml:2.0:subject:role', subject.groups)] : []),
          attr('urn:meridian:subject:anonymous', subject.anonymous ?? false),
        ],
      },
      Resource: { Attribute: Object.entries(resource).map(([k, v]) => attr(k.startsWith('urn:') ? k : `urn:meridian:resource:${k}`, v)) },
      Action: { Attribute: [attr('urn:oasis:names:tc:xacml:1.0:action:action-id', action)] },
    },
  });
}

/** A Policy that permits `group` to `action` the resource `type`/`id` and denies everyone else that action on it. */
export function groupPolicy(options: { id: string; version: string; group: string; type: string; resourceId: string; action?: string; service?: string }): string {
  const S = 'http://www.w3.org/2001/XMLSchema#string';
  const m = (category: string, attributeId: string, value: string) =>
    `<Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal"><AttributeValue DataType="${S}">${value}</AttributeValue><AttributeDesignator Category="${category}" AttributeId="${attributeId}" DataType="${S}" MustBePresent="false"/></Match>`;
  const R = 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource';
  const action = options.action ?? 'read';
  return `<?xml version="1.0"?>
<Policy xmlns="${XACML_NS}" PolicyId="${options.id}" Version="${options.version}" RuleCombiningAlgId="urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable">
  <Target><AnyOf><AllOf>${options.service ? m(R, 'urn:meridian:resource:service', options.service) : ''}${m(R, 'urn:meridian:resource:type', options.type)}${m(R, 'urn:oasis:names:tc:xacml:1.0:resource:resource-id', options.resourceId)}${m('urn:oasis:names:tc:xacml:3.0:attribute-category:action', 'urn:oasis:names:tc:xacml:1.0:action:action-id', action)}</AllOf></AnyOf></Target>
  <Rule RuleId="group-may" Effect="Permit"><Target><AnyOf><AllOf>${m('urn:oasis:names:tc:xacml:1.0:subject-category:access-subject', 'urn:oasis:names:tc:xacml:2.0:subject:role', options.group)}</AllOf></AnyOf></Target></Rule>
  <Rule RuleId="others-may-not" Effect="Deny"/>
</Policy>`;
}
