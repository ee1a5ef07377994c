/** What the catalogue's HTTP API routes need, and the three resource kinds they serve. */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../../core/auth/types.js';
import type { CatalogueRecord, CatalogueService, RecordType } from '../types.js';

export interface ApiDeps {
  catalogue: CatalogueService;
  auth: AuthHooks;
  logger: Logger;
  /** The catalogue's absolute base URL for a request (public URL + mount path, no trailing '/'). */
  baseUrl(ctx: Context): string;
  /** Page size when a list request gives none, and the largest allowed. */
  defaultLimit: number;
  maxLimit: number;
}

/**
 * Which records a URL addresses: collections (/collections/{id}), the products of one collection
 * (/collections/{cid}/items/{id}), or records in no collection (/records/{id}): services,
 * applications, and products that belong to no collection.
 */
export interface Scope {
  kind: 'collection' | 'item' | 'record';
  types: readonly RecordType[];
  /** The collection of an item scope; null: records in no collection. */
  parent?: string | null;
  /** The type a body that does not say is read as. */
  defaultType: RecordType;
  /** Path of a record of this scope, under the catalogue's base URL. */
  path(identifier: string): string;
}

const segment = encodeURIComponent;

export const COLLECTIONS: Scope = { kind: 'collection', types: ['collection'], defaultType: 'collection', path: (id) => `/collections/${segment(id)}` };
export const RECORDS: Scope = { kind: 'record', types: ['service', 'application', 'product'], parent: null, defaultType: 'service', path: (id) => `/records/${segment(id)}` };
export function itemsOf(collection: string): Scope {
  return { kind: 'item', types: ['product'], parent: collection, defaultType: 'product', path: (id) => `/collections/${segment(collection)}/items/${segment(id)}` };
}

/** Whether a stored record (or its stamp) belongs to the scope. */
export function inScope(scope: Scope, record: { type: RecordType; parentIdentifier?: string }): boolean {
  if (!scope.types.includes(record.type)) return false;
  if (scope.parent === null) return record.parentIdentifier === undefined;
  return scope.parent === undefined || record.parentIdentifier === scope.parent;
}

export function subjectOf(ctx: Context): Subject {
  return ctx.state.subject as Subject;
}

/** The record's scope, from its type and collection (for the links of listed records). */
export function scopeOf(record: CatalogueRecord): Scope {
  if (record.type === 'collection') return COLLECTIONS;
  if (record.type === 'product' && record.parentIdentifier !== undefined) return itemsOf(record.parentIdentifier);
  return RECORDS;
}

/**
 * Whether `err` is an error with this protocol code. By shape, not instanceof: the plugin and the
 * core may hold separate instances of core/errors.js (a plugin loaded by path, tests).
 */
export function hasCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof (err as { status?: unknown } | null)?.status === 'number' && typeof code === 'string' && codes.includes(code);
}
