/**
 * The functions a filter may call. Each has an in-memory implementation and, when the databases
 * have one, the SQL function that computes the same (else sql.ts leaves the predicate to the
 * in-memory check).
 */
export interface FilterFunction {
  /** Lower-case name; calls are matched case-insensitively. */
  name: string;
  /** Number of arguments. */
  arity: number;
  evaluate(args: unknown[]): unknown;
  /** SQL function of one argument computing the same on text, when there is one. */
  sql?: 'LOWER' | 'UPPER';
}

/** Removes combining marks after canonical decomposition: 'Zürich' → 'Zurich'. */
export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

const FUNCTIONS: FilterFunction[] = [
  { name: 'lower', arity: 1, sql: 'LOWER', evaluate: ([v]) => (typeof v === 'string' ? v.toLowerCase() : v) },
  { name: 'upper', arity: 1, sql: 'UPPER', evaluate: ([v]) => (typeof v === 'string' ? v.toUpperCase() : v) },
  // CQL2 casei/accenti: comparisons normalise both sides; lower case stands for "any case".
  { name: 'casei', arity: 1, sql: 'LOWER', evaluate: ([v]) => (typeof v === 'string' ? v.toLowerCase() : v) },
  { name: 'accenti', arity: 1, evaluate: ([v]) => (typeof v === 'string' ? stripAccents(v) : v) },
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

/** The registered function named `name` (any case), or undefined. */
export function lookupFunction(name: string): FilterFunction | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Names of the registered functions, for capabilities documents. */
export function functionNames(): string[] {
  return [...BY_NAME.keys()];
}
