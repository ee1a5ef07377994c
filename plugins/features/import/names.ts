/**
 * Property names as the features engine takes them: ASCII letters, digits and '_', not starting
 * with a digit (an NCName and a SQL identifier), at most 60 characters (the engine's limit), not
 * 'id' or 'geometry' (the engine's own names), and unique regardless of case (SQL compares them so).
 */

const MAX_LENGTH = 60;
/** Names filters use for the feature id and geometry (plugins/features/schema.ts): no property takes them. */
export const RESERVED_NAMES = ['id', 'geometry'];
const VALID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPropertyName(name: string): boolean {
  return VALID.test(name) && name.length <= MAX_LENGTH && !RESERVED_NAMES.includes(name.toLowerCase());
}

/** One name made valid: accents dropped, other characters replaced by '_', a digit start prefixed. */
export function sanitisePropertyName(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_');
  if (s.length > 1) s = s.replace(/^_(?=[A-Za-z])/, '').replace(/_$/, '');
  if (s === '' || s === '_') s = 'field';
  if (/^[0-9]/.test(s)) s = `_${s}`;
  return s.slice(0, MAX_LENGTH);
}

/**
 * Valid, case-insensitively unique names for the given source names, in order: a clash gets
 * '_2', '_3'... `reserved` names (the engine's own columns) are never handed out.
 */
export function propertyNames(sources: readonly string[], reserved: readonly string[] = RESERVED_NAMES): string[] {
  const taken = new Set(reserved.map((r) => r.toLowerCase()));
  return sources.map((source) => {
    const base = sanitisePropertyName(source);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) {
      const suffix = `_${n}`;
      name = `${base.slice(0, MAX_LENGTH - suffix.length)}${suffix}`;
    }
    taken.add(name.toLowerCase());
    return name;
  });
}

/** A collection id from a file or layer name: an NCName (letters, digits, '_', '-', '.'). */
export function collectionIdFrom(name: string): string {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[_.-]+|[_.-]+$/g, '');
  if (s === '') s = 'features';
  if (/^[0-9.-]/.test(s)) s = `_${s}`;
  return s.slice(0, 200);
}
