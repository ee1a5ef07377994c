import type { Subject } from './types.js';

/** The subject of every request that carries no credentials. Frozen: share it, never mutate it. */
export const ANONYMOUS: Subject = Object.freeze({
  id: 'anonymous',
  issuer: '',
  claims: Object.freeze({}) as Record<string, unknown>,
  groups: Object.freeze([]) as unknown as string[],
  anonymous: true,
  method: 'anonymous',
});

/** Issuer of subjects authenticated by an API key. */
export const API_KEY_ISSUER = 'meridian:apikey';
/** Issuer of subjects authenticated as a local user (HTTP Basic). */
export const LOCAL_USER_ISSUER = 'meridian:local';

export interface SubjectInit {
  id: string;
  issuer: string;
  method: string;
  groups?: readonly string[];
  claims?: Record<string, unknown>;
}

/** An authenticated subject; groups are deduplicated and kept in the order first seen. */
export function authenticatedSubject(init: SubjectInit): Subject {
  return {
    id: init.id,
    issuer: init.issuer,
    claims: init.claims ?? {},
    groups: [...new Set(init.groups ?? [])],
    anonymous: false,
    method: init.method,
  };
}

export function isAnonymous(subject: Subject): boolean {
  return subject.anonymous;
}

export function inGroup(subject: Subject, group: string): boolean {
  return subject.groups.includes(group);
}

export function inAnyGroup(subject: Subject, groups: readonly string[]): boolean {
  return groups.some((g) => subject.groups.includes(g));
}

/**
 * Reads a claim by path: the whole path as one key first (namespaced claims such as
 * 'https://example.org/groups' contain dots), then dot by dot ('realm_access.roles').
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    if (!Object.hasOwn(record, part)) return undefined;
    value = record[part];
  }
  return value;
}

/**
 * Groups from the claim at `path`: an array keeps its string members; a string is split on
 * whitespace (the form of OAuth `scope`); anything else gives no groups.
 */
export function groupsFromClaims(claims: Record<string, unknown>, path: string): string[] {
  const value = claimAt(claims, path);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value === 'string') return value.split(/\s+/).filter((v) => v !== '');
  return [];
}
