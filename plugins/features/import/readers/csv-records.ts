/**
 * A streaming CSV record splitter (RFC 4180 and what spreadsheets write): quoted fields with ""
 * escapes and line breaks inside, CRLF or LF, a delimiter given or detected from the header line.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter the header line uses most outside quotes (',' when it has none of them). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  let most = 0;
  for (const [d, n] of counts) {
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

export interface CsvSplitOptions {
  /** A delimiter, or undefined to detect it from the first line. */
  delimiter?: string;
  /** Called once the delimiter is known. */
  onDelimiter?(delimiter: string): void;
  /** Longest record in characters (a runaway quote would otherwise swallow the file). Default 64 Mi. */
  maxRecordChars?: number;
}

/** Records of a CSV text arriving in pieces (a UTF-8 BOM at the start is dropped). */
export async function* splitCsv(text: AsyncIterable<string>, options: CsvSplitOptions = {}): AsyncGenerator<CsvRecord> {
  const splitter = new CsvSplitter(options);
  for await (const piece of text) yield* splitter.push(piece, false);
  yield* splitter.push('', true);
}

class CsvSplitter {
  private delimiter: string | undefined;
  private readonly maxRecord: number;
  private first = true;
  /** Text not consumed yet: the header line while the delimiter is unknown, or a quote or CR at a piece's end. */
  private carry = '';
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  private wasQuoted = false;
  private atFieldStart = true;

  constructor(private readonly options: CsvSplitOptions) {
    this.delimiter = options.delimiter;
    this.maxRecord = options.maxRecordChars ?? 64 * 1024 * 1024;
  }

  push(input: string, final: boolean): CsvRecord[] {
    let piece = this.carry + input;
    this.carry = '';
    if (this.first) {
      if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
      if (this.delimiter === undefined) {
        const nl = piece.indexOf('\n');
        if (nl < 0 && !final && piece.length < 1024 * 1024) {
          this.carry = piece;
          return [];
        }
        this.delimiter = detectDelimiter(nl < 0 ? piece : piece.slice(0, nl));
      }
      this.options.onDelimiter?.(this.delimiter);
      this.first = false;
    }
    const d = this.delimiter!;
    const out: CsvRecord[] = [];
    const n = piece.length;
    let i = 0;
    while (i < n) {
      if (this.quoted) {
        const q = piece.indexOf('"', i);
        const end = q < 0 ? n : q;
        this.field += piece.slice(i, end);
        this.line += countNewlines(piece, i, end);
        this.recordChars += end - i;
        if (q < 0) {
          i = n;
        } else if (q + 1 >= n && !final) {
          // "" or the closing quote: decided with the next piece.
          this.carry = '"';
          i = n;
        } else if (piece[q + 1] === '"') {
          this.field += '"';
          i = q + 2;
        } else {
          this.quoted = false;
          i = q + 1;
        }
      } else {
        const ch = piece[i]!;
        if (ch === '"' && this.atFieldStart) {
          this.quoted = true;
          this.wasQuoted = true;
          this.atFieldStart = false;
          i++;
        } else if (ch === d) {
          this.fields.push(this.field);
          this.field = '';
          this.wasQuoted = false;
          this.atFieldStart = true;
          i++;
        } else if (ch === '\n' || ch === '\r') {
          if (ch === '\r' && i + 1 >= n && !final) {
            this.carry = '\r'; // a CRLF may be cut between pieces
            break;
          }
          if (ch === '\r' && piece[i + 1] === '\n') i++;
          this.endRecord(out);
          i++;
        } else {
          let j = i + 1;
          while (j < n) {
            const c = piece[j]!;
            if (c === d || c === '\n' || c === '\r' || c === '"') break;
            j++;
          }
          // A quote inside an unquoted field is kept as text.
          this.field += piece.slice(i, j);
          this.atFieldStart = false;
          this.recordChars += j - i;
          i = j;
        }
      }
      if (this.recordChars > this.maxRecord) throw new Error(`A CSV record longer than ${this.maxRecord} characters at line ${this.recordLine} (an unclosed quote?)`);
    }
    if (final) {
      if (this.quoted) throw new Error(`A quoted field opened on line ${this.recordLine} is never closed`);
      if (this.field !== '' || this.fields.length > 0 || this.wasQuoted) this.endRecord(out);
    }
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    this.fields.push(this.field);
    // A blank line is no record.
    if (!(this.fields.length === 1 && this.fields[0] === '' && !this.wasQuoted)) out.push({ fields: this.fields, line: this.recordLine });
    this.fields = [];
    this.field = '';
    this.wasQuoted = false;
    this.atFieldStart = true;
    this.line++;
    this.recordLine = this.line;
    this.recordChars = 0;
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
