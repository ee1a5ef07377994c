/**
 * A streaming splitter for GeoJSON files: the `features` array of a top-level object is cut into
 * its elements as the bytes arrive, so a FeatureCollection of millions of features is never
 * held whole; each element (one feature) is then parsed with JSON.parse. The other top-level
 * members (`type`, `crs`, `name`...) are handed over whole. Several top-level values in a row
 * (GeoJSON text sequences, newline-delimited GeoJSON) come one after the other.
 *
 * It only finds where values start and end (strings, escapes, nesting); JSON.parse checks the
 * rest, so a malformed feature costs that feature only.
 */

export type JsonEvent =
  /** A member of a top-level object other than `features`: its name and raw JSON text. */
  | { kind: 'member'; key: string; text: string }
  /** One element of a top-level object's `features` array, as raw JSON text. */
  | { kind: 'element'; text: string }
  /** A top-level object ended; `features` tells whether it had a features array. */
  | { kind: 'end'; features: boolean }
  /** A top-level value that is not an object (an array, a scalar): raw text. */
  | { kind: 'value'; text: string };

export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** Record separator of GeoJSON text sequences (RFC 8142). */
const RS = 0x1e;
const BOM = [0xef, 0xbb, 0xbf];

const enum State {
  Top,
  Key,
  Colon,
  Value,
  Element,
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDelimiter = (c: number) => c === COMMA || c === RBRACE || c === RBRACKET || isSpace(c);

export interface JsonSplitOptions {
  /** Largest single value (one feature, one member) in bytes; default 256 MiB. */
  maxValueBytes?: number;
}

/** Splits a byte stream into top-level members and `features` elements. */
export async function* splitGeoJson(chunks: AsyncIterable<Buffer | Uint8Array>, options: JsonSplitOptions = {}): AsyncGenerator<JsonEvent> {
  const maxValue = options.maxValueBytes ?? 256 * 1024 * 1024;
  let state = State.Top;
  let key = '';
  let sawFeatures = false;
  let position = 0; // bytes before the current chunk
  /** Bytes of a UTF-8 byte order mark matched so far (it may come split over chunks). */
  let bom = 0;

  // The value being captured: its pieces, the depth it started at, whether it is a key string.
  let capturing = false;
  let captureKey = false;
  let captureDepth = 0;
  let captureScalar = false;
  let pieces: Uint8Array[] = [];
  let captured = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;

  const decoder = new TextDecoder('utf-8', { fatal: false });
  const text = (bufs: Uint8Array[]) => decoder.decode(bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs));

  for await (const input of chunks) {
    let chunk = input instanceof Buffer ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    while (bom < 3 && position === 0 && chunk.length > 0) {
      if (chunk[0] !== BOM[bom]) {
        bom = 3;
        break;
      }
      bom++;
      chunk = chunk.subarray(1);
    }
    const n = chunk.length;
    let start = 0; // where the capture starts in this chunk
    const events: JsonEvent[] = [];
    const finish = (end: number) => {
      pieces.push(chunk.subarray(start, end));
      const raw = text(pieces);
      pieces = [];
      captured = 0;
      capturing = false;
      if (captureKey) {
        key = JSON.parse(raw) as string;
        state = State.Colon;
      } else if (state === State.Element) {
        events.push({ kind: 'element', text: raw });
      } else if (state === State.Value) {
        events.push({ kind: 'member', key, text: raw });
        state = State.Key;
      } else {
        events.push({ kind: 'value', text: raw });
        state = State.Top;
      }
    };
    const begin = (i: number, scalar: boolean, asKey = false) => {
      capturing = true;
      captureKey = asKey;
      captureDepth = depth;
      captureScalar = scalar;
      start = i;
    };
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (capturing && !captureScalar && depth === captureDepth) finish(i + 1);
        }
        continue;
      }
      if (capturing) {
        if (captureScalar) {
          if (isDelimiter(c)) {
            finish(i);
            i--; // the delimiter is read again by the state below
          }
          continue;
        }
        if (c === QUOTE) inString = true;
        else if (c === LBRACE || c === LBRACKET) depth++;
        else if (c === RBRACE || c === RBRACKET) {
          depth--;
          if (depth === captureDepth) finish(i + 1);
        }
        continue;
      }
      if (isSpace(c)) continue;
      // `finish` (a closure) moves the state too: no narrowing from the assignments seen here.
      switch (state as State) {
        case State.Top:
          if (c === RS) continue;
          if (c === LBRACE) {
            depth = 1;
            state = State.Key;
            sawFeatures = false;
          } else if (c === QUOTE) {
            inString = true;
            begin(i, false);
          } else if (c === LBRACKET) {
            begin(i, false);
            depth++;
          } else begin(i, true);
          break;
        case State.Key:
          if (c === COMMA) continue;
          if (c === RBRACE) {
            depth = 0;
            state = State.Top;
            events.push({ kind: 'end', features: sawFeatures });
          } else if (c === QUOTE) {
            inString = true;
            begin(i, false, true);
          } else throw new JsonStreamError(`Expected a member name at byte ${position + i}`);
          break;
        case State.Colon:
          if (c !== COLON) throw new JsonStreamError(`Expected ':' after "${key}" at byte ${position + i}`);
          state = State.Value;
          break;
        case State.Value:
          if (key === 'features' && c === LBRACKET) {
            depth = 2;
            sawFeatures = true;
            state = State.Element;
          } else if (c === QUOTE) {
            inString = true;
            begin(i, false);
          } else if (c === LBRACE || c === LBRACKET) {
            begin(i, false);
            depth++;
          } else begin(i, true);
          break;
        case State.Element:
          if (c === COMMA) continue;
          if (c === RBRACKET) {
            depth = 1;
            state = State.Key;
          } else if (c === QUOTE) {
            inString = true;
            begin(i, false);
          } else if (c === LBRACE || c === LBRACKET) {
            begin(i, false);
            depth++;
          } else begin(i, true);
          break;
      }
    }
    if (capturing) {
      pieces.push(chunk.subarray(start));
      captured += n - start;
      if (captured > maxValue) throw new JsonStreamError(`A value larger than ${maxValue} bytes at byte ${position}`);
    }
    position += n;
    for (const e of events) yield e;
  }
  if (capturing && captureScalar) {
    // A scalar at the very end of the input (no delimiter after it).
    const raw = text(pieces);
    if (state === State.Top) yield { kind: 'value', text: raw };
    else throw new JsonStreamError('The JSON ends inside a value');
  } else if (capturing || inString || state !== State.Top) {
    throw new JsonStreamError('The JSON ends before its last value is closed');
  }
}
