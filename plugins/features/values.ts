/**
 * Property values: checked against their declared type on write, turned into column values for
 * each database, and read back into the JSON values features carry.
 */
import type { Database } from '../../core/storage/db/types.js';
import { FeaturesError } from './errors.js';
import type { PropertyDefinition } from './types.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO 8601 date-time; a missing offset is read as UTC. */
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function invalid(p: PropertyDefinition, value: unknown, why: string): FeaturesError {
  const shown = JSON.stringify(value);
  return new FeaturesError('InvalidValue', `Property '${p.name}' (${p.type}): ${shown === undefined ? String(value) : shown.slice(0, 80)} ${why}`, { locator: p.name });
}

/** The column value for a property value (null for null/undefined); throws InvalidValue. */
export function columnValue(db: Database, p: PropertyDefinition, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (p.nullable === false) throw invalid(p, value, 'is required (the property is not nullable)');
    return null;
  }
  switch (p.type) {
    case 'string':
      if (typeof value !== 'string') throw invalid(p, value, 'is not a string');
      if (value.includes('\u0000')) throw invalid(p, value, 'contains a NUL character');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(p, value, 'is not an integer (within ±2^53)');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(p, value, 'is not a finite number');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(p, value, 'is not a boolean');
      return db.dialect === 'sqlite' ? (value ? 1 : 0) : value;
    case 'date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
      if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) throw invalid(p, value, 'is not a date (YYYY-MM-DD)');
      return db.dialect === 'sqlite' ? new Date(t).toISOString() : new Date(t);
    }
    case 'datetime': {
      if (typeof value !== 'string' || !DATETIME.test(value)) throw invalid(p, value, 'is not an ISO 8601 date-time');
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
      const t = Date.parse(zoned.replace(' ', 'T'));
      if (Number.isNaN(t)) throw invalid(p, value, 'is not an ISO 8601 date-time');
      return db.dialect === 'sqlite' ? new Date(t).toISOString() : new Date(t);
    }
    case 'json': {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch {
        text = undefined;
      }
      if (text === undefined) throw invalid(p, value, 'is not a JSON value');
      // jsonb cannot hold NUL characters; refused on both databases alike.
      if (text.includes('\\u0000')) throw invalid(p, value, 'contains a NUL character');
      return text;
    }
  }
}

/** The property value of a column value as read from the database. */
export function propertyValue(p: PropertyDefinition, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  switch (p.type) {
    case 'string':
      return String(raw);
    case 'integer':
    case 'number':
      return Number(raw);
    case 'boolean':
      return raw === true || raw === 1 || raw === '1' || raw === 't' || raw === 'true';
    case 'date':
      return instant(raw).slice(0, 10);
    case 'datetime':
      return instant(raw);
    case 'json':
      // Selected as text on both databases (jsonb cast to text).
      return typeof raw === 'string' ? JSON.parse(raw) : raw;
  }
}

function instant(raw: unknown): string {
  if (raw instanceof Date) return raw.toISOString();
  const text = String(raw);
  const t = Date.parse(text);
  return Number.isNaN(t) ? text : new Date(t).toISOString();
}
