/**
 * The test users of the HTTP API harnesses (admin, alice, bob, each with an API key) and a small
 * client that calls a server as one of them.
 */
import { createApiKey } from '../../core/auth/index.js';
import type { TestServer } from './server.js';

export type TestUser = 'admin' | 'alice' | 'bob';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON when it is JSON. */
  json: any;
  bytes: Buffer;
}

export interface RequestOptions {
  /** Sent as it is when a string, as JSON otherwise. */
  body?: unknown;
  /** Content-Type of the body, when the headers give none (default: the client's). */
  type?: string;
  /** Sends this user's API key (X-API-Key). */
  as?: TestUser;
  headers?: Record<string, string>;
}

export type ApiRequest = (method: string, path: string, options?: RequestOptions) => Promise<ApiResponse>;

/** API keys of root (group admin), alice and bob, stored in the server's database. */
export async function createTestUserKeys(server: TestServer): Promise<Record<TestUser, string>> {
  const db = server.meridian.stores.db;
  return {
    admin: (await createApiKey(db, { user: 'root', groups: ['admin'] })).key,
    alice: (await createApiKey(db, { user: 'alice' })).key,
    bob: (await createApiKey(db, { user: 'bob' })).key,
  };
}

/** Requests a path under `base` (or an absolute URL), as one of the users when asked. */
export function apiClient(base: string, keys: Record<TestUser, string>, options: { bodyType: string }): ApiRequest {
  return async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.as) headers['X-API-Key'] = keys[o.as];
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['Content-Type'] ??= o.type ?? options.bodyType;
    }
    const res = await fetch(path.startsWith('http') ? path : `${base}${path}`, { method, headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: unknown;
    if (text && /json/.test(res.headers.get('content-type') ?? '')) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, text, json, bytes };
  };
}
