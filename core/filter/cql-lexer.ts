/** Tokens of the CQL text languages (CQL2 text and OGC CQL of CSW), with their offsets. */
import { FilterError } from './errors.js';

export type TokenType = 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'end';

export interface Token {
  type: TokenType;
  /** Identifier or operator text, string content (quotes removed), number text. */
  text: string;
  /** Offset of the token's first character. */
  position: number;
}

const OPERATORS = ['<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '+', '-', '*', '/', '%', '^', '[', ']'];

/** Splits `text` into tokens; strings use '' for a quote, quoted identifiers "". */
export function tokenize(text: string, locator?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError(`Unterminated ${c === "'" ? 'string' : 'quoted name'}`, { position: start, locator });
        if (text[i] === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: c === "'" ? 'string' : 'quoted', text: value, position: start });
      continue;
    }
    const number = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ type: 'number', text: number[0], position: start });
      i += number[0].length;
      continue;
    }
    const ident = /^[\p{L}_][\p{L}\p{N}_.:]*/u.exec(text.slice(i));
    if (ident) {
      tokens.push({ type: 'ident', text: ident[0], position: start });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new FilterError(`Unexpected character '${c}'`, { position: start, locator });
    tokens.push({ type: 'op', text: op, position: start });
    i += op.length;
  }
  tokens.push({ type: 'end', text: '', position: text.length });
  return tokens;
}

/** A cursor over tokens with the checks every parser needs. */
/** Deepest nesting of groups, NOTs and calls a filter may have (the parsers recurse). */
export const MAX_FILTER_DEPTH = 100;

export class TokenStream {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    readonly locator?: string,
  ) {}

  /** Runs one nested parse, refusing filters nested deeper than MAX_FILTER_DEPTH. */
  nest<T>(parse: () => T): T {
    try {
      if (++this.depth > MAX_FILTER_DEPTH) this.fail(`Filter nested deeper than ${MAX_FILTER_DEPTH} levels`);
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** The cursor, to come back to with `reset` when a parse is tried another way. */
  mark(): number {
    return this.index;
  }

  reset(mark: number): void {
    this.index = mark;
  }

  /** Skips the tokens that start before `offset` (after reading raw text from the source). */
  skipTo(offset: number): void {
    while (this.peek().type !== 'end' && this.peek().position < offset) this.next();
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  /** Whether the next token is keyword `word` (any case). */
  isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' && t.text.toUpperCase() === word;
  }

  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === op;
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.next();
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }

  expectOp(op: string): Token {
    if (!this.isOp(op)) this.fail(`Expected '${op}'`);
    return this.next();
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) this.fail(`Expected ${word}`);
    return this.next();
  }

  fail(message: string, token: Token = this.peek()): never {
    const found = token.type === 'end' ? 'the end of the filter' : `'${token.type === 'string' ? `'${token.text}'` : token.text}'`;
    throw new FilterError(`${message}, found ${found}`, { position: token.position, locator: this.locator });
  }
}
