/** Rows read by a translated query, back into records evaluate.ts checks (for `needsExactCheck`). */
import type { GeoJSONGeometry } from './ast.js';
import type { FilterRecord } from './evaluate.js';
import type { QueryableColumn } from './sql.js';
import { storedGeometry } from '../storage/db/geometry/index.js';

/**
 * Builds the record of a row: each queryable's value under its name, from the row key that is
 * the column's last segment (`products.cloud_cover` → `cloud_cover`). SQLite booleans (0/1)
 * become booleans, timestamps ISO text, the geometry GeoJSON (select it with
 * selectGeometryAsGeoJSON; WKB bytes are read too). `idKey` names the row's identifier ('id' by default).
 */
export function recordFromRow(row: Record<string, unknown>, queryables: Record<string, QueryableColumn>, idKey = 'id'): FilterRecord {
  const record: FilterRecord = { properties: {} };
  const id = row[idKey];
  if (typeof id === 'string' || typeof id === 'number') record.id = id;
  for (const [name, q] of Object.entries(queryables)) {
    const key = q.type === 'geometry' ? 'geometry' : q.column.slice(q.column.lastIndexOf('.') + 1);
    const value = row[key];
    if (q.type === 'geometry') {
      record.geometry = typeof value === 'string' || value instanceof Uint8Array ? storedGeometry(value) : ((value as GeoJSONGeometry | null | undefined) ?? null);
      continue;
    }
    if (value === null || value === undefined) record.properties[name] = null;
    else if (q.type === 'boolean') record.properties[name] = value === true || value === 1 || value === '1' || value === 't';
    else if (q.type === 'timestamp') record.properties[name] = value instanceof Date ? value.toISOString() : String(value);
    else if (q.type === 'number') record.properties[name] = Number(value);
    else record.properties[name] = value;
  }
  return record;
}
