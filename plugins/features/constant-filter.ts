/**
 * Access filters folded where they do not depend on the row: the policy's conditions on a
 * collection come with the collection's own attributes already in them (e.g. 'public' <>
 * 'private'), so most of them are true or false before any row is read. Folded, a true one is
 * no condition at all: the SQL is shorter, and a BBOX-only query can be counted from the index.
 * Only comparisons of two non-null literals are evaluated (two-valued, so NOT stays exact); the
 * rest is left as it is.
 */
import { COMPARISON_OPERATORS, evaluateFilter, type Expression, type Filter } from '../../core/filter/index.js';

const TRUE: Filter = { op: 'constant', value: true };
const FALSE: Filter = { op: 'constant', value: false };
const COMPARISONS = new Set<string>(COMPARISON_OPERATORS);

const constantValue = (f: Filter): boolean | undefined => (f.op === 'constant' ? f.value : undefined);

export function foldConstants(f: Filter): Filter {
  switch (f.op) {
    case 'and':
    case 'or': {
      const args = f.args.map(foldConstants);
      // and: a false decides; or: a true does. The other constant drops out.
      const decisive = f.op === 'or';
      if (args.some((a) => constantValue(a) === decisive)) return decisive ? TRUE : FALSE;
      const rest = args.filter((a) => constantValue(a) === undefined);
      if (rest.length === 0) return decisive ? FALSE : TRUE;
      return rest.length === 1 ? rest[0]! : { op: f.op, args: rest };
    }
    case 'not': {
      const arg = foldConstants(f.arg);
      const v = constantValue(arg);
      return v === undefined ? { op: 'not', arg } : v ? FALSE : TRUE;
    }
    default:
      if (COMPARISONS.has(f.op)) {
        const c = f as unknown as { left: Expression; right: Expression };
        const plain = (e: Expression) => e.kind === 'literal' && e.value !== null && e.value !== undefined && ['string', 'number', 'boolean'].includes(typeof e.value);
        if (plain(c.left) && plain(c.right)) return evaluateFilter(f, { properties: {} }) ? TRUE : FALSE;
      }
      return f;
  }
}
