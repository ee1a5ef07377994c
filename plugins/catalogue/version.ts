/**
 * A stored record's version: a hash of its stored JSON. The engine stores JSON.stringify(record)
 * and returns JSON.parse of it, and that round trip is the identity on the text, so the version
 * of a record as read equals the version computed from the row inside a write transaction.
 */
import { createHash } from 'node:crypto';
import type { CatalogueRecord } from './types.js';

export function recordVersion(record: CatalogueRecord | string): string {
  const text = typeof record === 'string' ? record : JSON.stringify(record);
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}
