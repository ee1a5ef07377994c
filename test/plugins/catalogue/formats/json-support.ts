/** Shared by the format tests: the official examples, and comparisons that ignore what a round trip may change. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createMetadataFormats } from '../../../../plugins/catalogue/formats/index.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../../../../plugins/catalogue/types.js';
import { normaliseRecord } from '../../../../plugins/catalogue/write.js';
import { SCHEMAS_SOURCE } from '../../../helpers/xsd.js';

export const formats = createMetadataFormats();

export interface Example {
  /** Path under the schemas root ('stac/v1.0.0/examples/core-item.json'). */
  name: string;
  text: string;
  json: Record<string, unknown>;
}

/** Every .json file under `folder` of the shared schemas. */
export function examples(folder: string): Example[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? walk(path.join(dir, n)) : n.endsWith('.json') ? [path.join(dir, n)] : []));
  return walk(path.join(SCHEMAS_SOURCE, folder))
    .sort()
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      return { name: path.relative(SCHEMAS_SOURCE, file), text, json: JSON.parse(text) as Record<string, unknown> };
    });
}

/** A decoded record as the engine would store it (normalised, bbox computed). */
export function stored(input: CatalogueRecordInput, now = '2024-05-01T10:00:00.000Z'): CatalogueRecord {
  return normaliseRecord(structuredClone(input), now, undefined);
}

/** Instants (and intervals of them) in toISOString form, so '…31.437000Z' equals '…31.437Z'. */
export function normaliseTimes(v: unknown): unknown {
  const isInstant = (s: string) => /^\d{4}-\d\d-\d\dT/.test(s) && Number.isFinite(Date.parse(s));
  if (typeof v === 'string') {
    if (isInstant(v)) return new Date(v).toISOString();
    const parts = v.split('/');
    if (parts.length === 2 && parts.every((p) => p === '..' || isInstant(p))) return parts.map((p) => (p === '..' ? p : new Date(p).toISOString())).join('/');
    return v;
  }
  if (Array.isArray(v)) return v.map(normaliseTimes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseTimes(x)]));
  return v;
}

/** The fields a record holds, without what the engine sets on every store and the kept document. */
export function content(record: CatalogueRecordInput): Record<string, unknown> {
  const { created: _c, updated: _u, metadata: _m, bbox: _b, ...rest } = record as CatalogueRecord;
  return normaliseTimes(rest) as Record<string, unknown>;
}
