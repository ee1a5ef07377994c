/** Reading JSON metadata documents: typed field access whose errors name the field (400 InvalidRecord). */
import { BadRequest } from '../../../core/errors.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function invalidRecord(message: string, locator: string): BadRequest {
  return new BadRequest(message, { code: 'InvalidRecord', locator });
}

/** Field access on one object, with `path` ('features[2].properties') prefixed to every locator. */
export class JsonReader {
  constructor(
    readonly value: JsonObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string, what: string): JsonReader {
    if (!isObject(value)) throw invalidRecord(`${what} must be a JSON object`, path || '/');
    return new JsonReader(value, path);
  }

  locator(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  string(key: string): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalidRecord(`${this.locator(key)} must be a string`, this.locator(key));
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined || v.trim() === '') throw invalidRecord(`${this.locator(key)} is required (a non-empty string)`, this.locator(key));
    return v;
  }

  number(key: string): number | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidRecord(`${this.locator(key)} must be a number`, this.locator(key));
    return v;
  }

  /** A date-time (returned as given; the engine normalises it), refused when Date cannot read it. */
  instant(key: string): string | undefined {
    const v = this.string(key);
    if (v !== undefined && !Number.isFinite(Date.parse(v))) throw invalidRecord(`${this.locator(key)} '${v}' is not an ISO 8601 date-time`, this.locator(key));
    return v;
  }

  strings(key: string): string[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidRecord(`${this.locator(key)} must be a list of strings`, this.locator(key));
    return v as string[];
  }

  object(key: string): JsonReader | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    return JsonReader.of(v, this.locator(key), this.locator(key));
  }

  array(key: string): unknown[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw invalidRecord(`${this.locator(key)} must be a list`, this.locator(key));
    return v;
  }

  /** A GeoJSON geometry or null; the shape is checked here, validity by the engine. */
  geometry(key: string): GeoJSONGeometry | null | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    const types = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'];
    if (!isObject(v) || typeof v.type !== 'string' || !types.includes(v.type)) {
      throw invalidRecord(`${this.locator(key)} must be a GeoJSON geometry or null`, this.locator(key));
    }
    return v as unknown as GeoJSONGeometry;
  }
}

/** Sets `target[key]` only when `value` is defined, so records carry no undefined fields. */
export function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** The object without undefined members (JSON output stays free of them). */
export function compact<T extends JsonObject>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Splits "start/end" (either end may be '..' or empty: open) or one instant; null ends are open. */
export function parseInterval(text: string, locator: string): { start?: string; end?: string; openEnd: boolean } {
  const parts = text.split('/');
  if (parts.length > 2) throw invalidRecord(`${locator} '${text}' is not an ISO 8601 instant or interval`, locator);
  const read = (p: string | undefined): string | undefined => {
    if (p === undefined || p === '' || p === '..') return undefined;
    if (!Number.isFinite(Date.parse(p))) throw invalidRecord(`${locator} '${text}' is not an ISO 8601 instant or interval`, locator);
    return p;
  };
  const start = read(parts[0]);
  if (parts.length === 1) return { start, end: start, openEnd: false };
  const end = read(parts[1]);
  return { start, end, openEnd: end === undefined };
}

/** True when two ISO instants name the same millisecond. */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}
