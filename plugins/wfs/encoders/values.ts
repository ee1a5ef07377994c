/**
 * Property values as the application schema types them (describe-feature-type.ts): text for XML,
 * and back from text for Transaction inputs. Dates and times are ISO 8601 (xs:date, xs:dateTime),
 * numbers in xs:double's lexical form, JSON properties as their JSON text.
 */
import { numberText } from '../../../core/filter/index.js';
import type { PropertyType } from '../../features/types.js';

/** The XML Schema type of each property type. */
export const XSD_TYPES: Record<PropertyType, string> = {
  string: 'xsd:string',
  integer: 'xsd:long',
  number: 'xsd:double',
  boolean: 'xsd:boolean',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  json: 'xsd:string',
};

function xsdNumberText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'INF' : '-INF';
  return numberText(n);
}

/** A stored value as the text of its element; undefined for null (the element is left out). */
export function valueText(value: unknown, type: PropertyType): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'integer':
    case 'number':
      return typeof value === 'number' ? xsdNumberText(value) : String(value);
    case 'boolean':
      return value === true || value === 1 || value === 'true' || value === '1' ? 'true' : 'false';
    case 'date':
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return String(value).slice(0, 10);
    case 'datetime':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'json':
      return typeof value === 'string' ? value : JSON.stringify(value);
    default:
      return typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** A stored value for GeoJSON: dates as ISO text, the rest as they are. */
export function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** The text of an element, typed for the property; undefined when it is not a value of that type. */
export function parseValue(text: string, type: PropertyType): unknown {
  const t = text.trim();
  switch (type) {
    case 'integer': {
      const n = Number(t);
      return /^[+-]?\d+$/.test(t) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'number': {
      if (t === 'INF') return Infinity;
      if (t === '-INF') return -Infinity;
      if (t === 'NaN') return NaN;
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return undefined;
    case 'date': {
      // ISO 8601, or GDAL's OGR form (1218/01/01), which its WFS-T Updates write.
      const m = /^(\d{4})[-/](\d{2})[-/](\d{2})/.exec(t);
      return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
    }
    case 'datetime': {
      if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return t;
      // GDAL's OGR form: 2021/01/02 08:00:00+00.
      const m = /^(\d{4})\/(\d{2})\/(\d{2})(?: (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(t);
      if (!m) return undefined;
      const date = `${m[1]}-${m[2]}-${m[3]}`;
      if (!m[4]) return date;
      const zone = m[5] === undefined ? '' : m[5] === 'Z' ? 'Z' : m[5].length === 3 ? `${m[5]}:00` : m[5].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
      return `${date}T${m[4]}${zone}`;
    }
    case 'json':
      try {
        return JSON.parse(t);
      } catch {
        return t;
      }
    default:
      return text;
  }
}
