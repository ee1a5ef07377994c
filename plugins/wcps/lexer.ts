/** Tokens of a WCPS query, each with its line and column (keywords are case-insensitive identifiers). */
import { wcpsFail, type Position } from './errors.js';

export type TokenKind = 'number' | 'string' | 'variable' | 'identifier' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text: the number as written, the string without quotes, the variable without '$', the symbol. */
  text: string;
  pos: Position;
  /** Offsets in the query: adjacent tokens (no space between) make up coverage names like `S2-L2A.b04`. */
  start: number;
  end: number;
}

const SYMBOLS = [':=', '!=', '<>', '<=', '>=', '(', ')', '[', ']', '{', '}', ',', ':', ';', '.', '=', '<', '>', '+', '-', '*', '/'];

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  while (i < query.length) {
    const c = query[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    // Comments (WCPS 1.1 and rasdaman): `# ...` and `-- ...` to the end of the line.
    if (c === '#' || (c === '-' && query[i + 1] === '-')) {
      while (i < query.length && query[i] !== '\n') i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      const at = pos(i);
      let text = '';
      i++;
      while (i < query.length && query[i] !== c) {
        if (query[i] === '\\' && i + 1 < query.length) i++;
        if (query[i] === '\n') wcpsFail('WcpsSyntaxError', 'unterminated string: a string must close on its line', at);
        text += query[i];
        i++;
      }
      if (i >= query.length) wcpsFail('WcpsSyntaxError', 'unterminated string', at);
      i++;
      tokens.push({ kind: 'string', text, pos: at, start, end: i });
      continue;
    }
    if (c >= '0' && c <= '9') {
      const m = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(query.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], pos: pos(i), start, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(query.slice(i));
      if (!m) wcpsFail('WcpsSyntaxError', "'$' must start a variable name such as $c", pos(i));
      tokens.push({ kind: 'variable', text: m[1]!, pos: pos(i), start, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i))!;
      tokens.push({ kind: 'identifier', text: m[0], pos: pos(i), start, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => query.startsWith(s, i));
    if (!symbol) wcpsFail('WcpsSyntaxError', `unexpected character '${c}'`, pos(i));
    tokens.push({ kind: 'symbol', text: symbol, pos: pos(i), start, end: i + symbol.length });
    i += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', pos: pos(i), start: i, end: i });
  return tokens;
}
