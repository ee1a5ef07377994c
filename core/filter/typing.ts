/**
 * Gives untyped literals the type of the queryable they meet. Filter Encoding and OGC CQL write
 * every value as text ('2020-05-17T10:30:00Z', '5', 'true'); compared with a timestamp, number or
 * boolean queryable they are read as that type, so SQL and memory compare times as times
 * (whatever the spelling) and numbers as numbers.
 */
import { parseInstant } from '../ows/time.js';
import { mapPredicates, type Expression, type Filter } from './ast.js';
import { FilterError } from './errors.js';

export type QueryableType = 'string' | 'number' | 'boolean' | 'timestamp' | 'geometry';

export function typeLiterals(filter: Filter, types: (name: string) => QueryableType | undefined, locator?: string): Filter {
  const typeOf = (e: Expression): QueryableType | undefined => (e.kind === 'property' ? types(e.name) : undefined);
  const cast = (e: Expression, type: QueryableType | undefined): Expression => {
    if (e.kind !== 'literal' || typeof e.value !== 'string' || type === undefined) return e;
    const text = e.value;
    if (type === 'timestamp') {
      const t = parseInstant(text);
      if (!t) throw new FilterError(`'${text}' is not an ISO 8601 time`, { locator });
      return { kind: 'time', text, shape: 'instant', begin: t.begin.getTime(), end: t.end.getTime() };
    }
    if (type === 'number') {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new FilterError(`'${text}' is not a number`, { locator });
      return { kind: 'literal', value: n };
    }
    if (type === 'boolean') {
      const lower = text.trim().toLowerCase();
      if (lower !== 'true' && lower !== 'false' && lower !== '1' && lower !== '0') throw new FilterError(`'${text}' is not a boolean`, { locator });
      return { kind: 'literal', value: lower === 'true' || lower === '1' };
    }
    return e;
  };
  const numberAsText = (e: Expression, type: QueryableType | undefined): Expression =>
    type === 'string' && e.kind === 'literal' && typeof e.value === 'number' ? { kind: 'literal', value: String(e.value) } : cast(e, type);
  return mapPredicates(filter, (f) => {
    switch (f.op) {
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { ...f, left: numberAsText(f.left, typeOf(f.right)), right: numberAsText(f.right, typeOf(f.left)) };
      case 'between': {
        const t = typeOf(f.expr);
        return { ...f, lower: numberAsText(f.lower, t), upper: numberAsText(f.upper, t) };
      }
      case 'in': {
        const t = typeOf(f.expr);
        return { ...f, list: f.list.map((i) => numberAsText(i, t)) };
      }
      case 'temporal':
        return { ...f, left: cast(f.left, 'timestamp'), right: cast(f.right, 'timestamp') };
      default:
        return f;
    }
  });
}
