/**
 * XML Schema / XPath 2.0 regular expressions translated to JavaScript RegExp (Unicode mode).
 * XACML's *-regexp-match functions are XPath's fn:matches with the arguments reversed, so the
 * match is unanchored (the expression may match any substring) and ^ / $ anchor at the ends
 * of the string. Constructs JavaScript lacks are rewritten: \i \c (XML name characters),
 * character-class subtraction [a-z-[aeiou]], \p{IsBlock}, and XML Schema's \d \w \s and '.'.
 */

const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;

/** The Unicode blocks of \p{IsX} that policies plausibly use. */
const BLOCKS: Record<string, string> = {
  BasicLatin: '\\u0000-\\u007F',
  'Latin-1Supplement': '\\u0080-\\u00FF',
  LatinExtended: '\\u0100-\\u024F',
  'LatinExtended-A': '\\u0100-\\u017F',
  'LatinExtended-B': '\\u0180-\\u024F',
  IPAExtensions: '\\u0250-\\u02AF',
  Greek: '\\u0370-\\u03FF',
  GreekandCoptic: '\\u0370-\\u03FF',
  Cyrillic: '\\u0400-\\u04FF',
  Hebrew: '\\u0590-\\u05FF',
  Arabic: '\\u0600-\\u06FF',
  GeneralPunctuation: '\\u2000-\\u206F',
  CJKUnifiedIdeographs: '\\u4E00-\\u9FFF',
  Hiragana: '\\u3040-\\u309F',
  Katakana: '\\u30A0-\\u30FF',
};

export class RegexSyntaxError extends Error {}

/** Returns the body of a character class for an escape usable inside [...], or undefined. */
function classEscape(c: string, pattern: string): string | undefined {
  switch (c) {
    case 'd': return '\\p{Nd}';
    case 's': return ' \\t\\n\\r';
    case 'w': return '\\p{L}\\p{M}\\p{N}\\p{S}';
    case 'W': return '\\p{P}\\p{Z}\\p{C}';
    case 'i': return NAME_START;
    case 'c': return NAME_CHAR;
    case 'n': return '\\n';
    case 'r': return '\\r';
    case 't': return '\\t';
    case 'D': case 'S': case 'I': case 'C':
      throw new RegexSyntaxError(`\\${c} inside a character class is not supported in '${pattern}'`);
    default:
      if ('\\|.?*+(){}-[]^$'.includes(c)) return `\\${c}`;
      return undefined;
  }
}

/** Reads \p{...} / \P{...} at i (pointing at 'p' or 'P'); returns [translation, next index]. */
function property(pattern: string, i: number, inClass: boolean): [string, number] {
  const negated = pattern[i] === 'P';
  if (pattern[i + 1] !== '{') throw new RegexSyntaxError(`malformed \\p in '${pattern}'`);
  const end = pattern.indexOf('}', i + 2);
  if (end < 0) throw new RegexSyntaxError(`malformed \\p in '${pattern}'`);
  const name = pattern.slice(i + 2, end);
  let body: string;
  if (name.startsWith('Is')) {
    const block = BLOCKS[name.slice(2)];
    if (!block) throw new RegexSyntaxError(`unsupported Unicode block '${name}' in '${pattern}'`);
    if (negated && inClass) throw new RegexSyntaxError(`\\P{${name}} inside a class is not supported in '${pattern}'`);
    body = block;
    return [inClass ? body : `[${negated ? '^' : ''}${body}]`, end + 1];
  }
  if (!/^[A-Z][a-z]?$/.test(name)) throw new RegexSyntaxError(`unknown Unicode category '${name}' in '${pattern}'`);
  return [`\\${negated ? 'P' : 'p'}{${name}}`, end + 1];
}

/** Translates a character class starting at '[' (index i); returns [JS source, next index]. */
function translateClass(pattern: string, i: number): [string, number] {
  let j = i + 1;
  let negated = false;
  if (pattern[j] === '^') { negated = true; j++; }
  let body = '';
  let subtract: string | undefined;
  let first = true;
  while (j < pattern.length) {
    const c = pattern[j];
    if (c === ']' && !first) { j++; break; }
    first = false;
    if (c === '-' && pattern[j + 1] === '[') {
      const [sub, next] = translateClass(pattern, j + 1);
      subtract = sub;
      j = next;
      if (pattern[j] !== ']') throw new RegexSyntaxError(`class subtraction must end the class in '${pattern}'`);
      j++;
      break;
    }
    if (c === '\\') {
      const e = pattern[j + 1];
      if (e === undefined) throw new RegexSyntaxError(`trailing backslash in '${pattern}'`);
      if (e === 'p' || e === 'P') {
        const [t, next] = property(pattern, j + 1, true);
        body += t; j = next; continue;
      }
      const t = classEscape(e, pattern);
      if (t === undefined) throw new RegexSyntaxError(`unknown escape \\${e} in '${pattern}'`);
      body += t; j += 2; continue;
    }
    if (c === '[') throw new RegexSyntaxError(`unescaped '[' in a class in '${pattern}'`);
    body += c === '/' ? '\\/' : c;
    j++;
    if (j >= pattern.length) throw new RegexSyntaxError(`unterminated character class in '${pattern}'`);
  }
  const cls = `[${negated ? '^' : ''}${body}]`;
  return [subtract ? `(?:(?!${subtract})${cls})` : cls, j];
}

export function translateXmlSchemaRegex(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) throw new RegexSyntaxError(`trailing backslash in '${pattern}'`);
      if (e === 'p' || e === 'P') {
        const [t, next] = property(pattern, i + 1, false);
        out += t; i = next; continue;
      }
      switch (e) {
        case 'D': out += '\\P{Nd}'; break;
        case 'S': out += '[^ \\t\\n\\r]'; break;
        case 'I': out += `[^${NAME_START}]`; break;
        case 'C': out += `[^${NAME_CHAR}]`; break;
        case '-': out += '-'; break;
        default: {
          if (/[1-9]/.test(e)) { out += `\\${e}`; break; }
          const t = classEscape(e, pattern);
          if (t === undefined) throw new RegexSyntaxError(`unknown escape \\${e} in '${pattern}'`);
          out += t.startsWith('\\') && t.length === 2 ? t : `[${t}]`;
        }
      }
      i += 2;
      continue;
    }
    if (c === '[') {
      const [t, next] = translateClass(pattern, i);
      out += t; i = next; continue;
    }
    if (c === '.') { out += '[^\\n\\r]'; i++; continue; }
    if (c === '/') { out += '\\/'; i++; continue; }
    out += c;
    i++;
  }
  return out;
}

const cache = new Map<string, RegExp>();

/** The compiled RegExp for an XML Schema pattern (cached); throws RegexSyntaxError. */
export function xmlSchemaRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(translateXmlSchemaRegex(pattern), 'u');
    } catch (err) {
      if (err instanceof RegexSyntaxError) throw err;
      throw new RegexSyntaxError(`invalid regular expression '${pattern}': ${(err as Error).message}`);
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}
