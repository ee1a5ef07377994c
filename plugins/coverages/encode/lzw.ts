/**
 * TIFF LZW (TIFF 6.0 section 13) as libtiff writes it, so libtiff, GDAL and the `geotiff`
 * package read it: codes MSB-first from 9 to 12 bits, a Clear code first, "early change"
 * (the code width grows one code before the table strictly needs it: libtiff's decoders expect
 * that), a Clear when the table reaches 4094 entries, EOI last.
 */
const CLEAR = 256;
const EOI = 257;
const FIRST_CODE = 258;
const MAX_WIDTH = 12;
const TABLE_FULL = (1 << MAX_WIDTH) - 2; // 4094, libtiff's CODE_MAX - 1

/**
 * The string table keyed by (prefix code << 8 | next byte). A generation stamp per slot marks
 * live entries, so a Clear costs nothing instead of wiping 1M slots. Shared by every call:
 * encoding is synchronous and single-threaded per worker.
 */
let codes: Uint16Array | undefined;
let stamps: Uint32Array | undefined;
let generation = 0;

function tables(): { codes: Uint16Array; stamps: Uint32Array } {
  if (!codes || !stamps) {
    codes = new Uint16Array(1 << 20);
    stamps = new Uint32Array(1 << 20);
  }
  return { codes, stamps };
}

function nextGeneration(stamps: Uint32Array): number {
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    stamps.fill(0);
    generation = 1;
  }
  return generation;
}

export function lzwEncode(input: Uint8Array): Uint8Array {
  const { codes, stamps } = tables();
  // Every code stands for at least one byte and is at most 12 bits; plus the Clears.
  const out = new Uint8Array(Math.ceil(input.length * 1.5) + Math.ceil(input.length / 2000) * 2 + 16);
  let o = 0;
  let bits = 0; // pending bits, right-aligned in `pending`
  let pending = 0;
  let width = 9;
  const put = (code: number) => {
    pending = (pending << width) | code;
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      out[o++] = (pending >>> bits) & 0xff;
    }
    pending &= (1 << bits) - 1;
  };

  let gen = nextGeneration(stamps);
  let next = FIRST_CODE;
  put(CLEAR);
  if (input.length > 0) {
    let ent = input[0]!;
    for (let i = 1; i < input.length; i++) {
      const c = input[i]!;
      const key = (ent << 8) | c;
      if (stamps[key] === gen) {
        ent = codes[key]!;
        continue;
      }
      put(ent);
      ent = c;
      stamps[key] = gen;
      codes[key] = next++;
      if (next === TABLE_FULL) {
        put(CLEAR);
        gen = nextGeneration(stamps);
        next = FIRST_CODE;
        width = 9;
      } else if (next > (1 << width) - 1) {
        width++;
      }
    }
    put(ent);
    // The decoder adds an entry after this code too, and may widen before reading EOI.
    next++;
    if (next === TABLE_FULL) {
      put(CLEAR);
      width = 9;
    } else if (next > (1 << width) - 1) {
      width++;
    }
  }
  put(EOI);
  if (bits > 0) out[o++] = (pending << (8 - bits)) & 0xff;
  return out.subarray(0, o);
}
