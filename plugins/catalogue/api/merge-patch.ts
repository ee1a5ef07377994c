/**
 * PATCH: an RFC 7396 JSON merge patch applies to the record's representation (17-003 GeoJSON or
 * STAC, as a GET would give it without the service's links); what the patch changed, read back
 * into the record model, becomes the engine's patch. Members the representation always writes
 * (defaults, derived values) come out the same before and after, so they never leak into it.
 */
import type { CatalogueRecord, CatalogueRecordInput, RecordPatch } from '../types.js';

type Json = unknown;

export function applyMergePatch(target: Json, patch: Json): Json {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, Json> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, Json>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** What the engine keeps itself, or the API sets apart from the document. */
const NOT_PATCHED = new Set(['identifier', 'type', 'metadata', 'owner', 'visibility', 'created', 'updated', 'bbox']);

/**
 * The engine patch turning `stored` into what the merge patch made of it: fields whose decoded
 * value changed between `before` (the representation decoded) and `after` (the patched one
 * decoded) are set (null when gone); `properties` member by member, so members the
 * representation does not carry stay.
 */
export function modelChanges(stored: CatalogueRecord, before: CatalogueRecordInput, after: CatalogueRecordInput): RecordPatch {
  const changes: Record<string, unknown> = {};
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (NOT_PATCHED.has(key) || key === 'properties' || same(b[key], a[key])) continue;
    changes[key] = a[key] === undefined ? null : a[key];
  }
  const props = { ...(stored.properties ?? {}) };
  let propsChanged = false;
  const pb = before.properties ?? {};
  const pa = after.properties ?? {};
  for (const key of new Set([...Object.keys(pb), ...Object.keys(pa)])) {
    if (same(pb[key], pa[key])) continue;
    propsChanged = true;
    if (pa[key] === undefined) delete props[key];
    else props[key] = pa[key];
  }
  if (propsChanged) changes.properties = Object.keys(props).length > 0 ? props : null;
  return changes as RecordPatch;
}
