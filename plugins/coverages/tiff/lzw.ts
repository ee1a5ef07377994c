/**
 * TIFF LZW decoding (TIFF 6.0 section 13: 9 to 12-bit codes, most significant bit first, Clear
 * 256, EndOfInformation 257, code width growing one code early) into a buffer of the known block
 * size. geotiff's LZW decoder grows JS arrays byte by byte and ran about 12 times slower than
 * GDAL on 512x512 tiles; this one writes each string straight into the output from typed-array
 * tables.
 */
const CLEAR = 256;
const EOI = 257;
const FIRST_FREE = 258;
const TABLE_SIZE = 4096;

export function decodeLzw(input: Uint8Array, expectedBytes: number): Uint8Array {
  const out = new Uint8Array(expectedBytes);
  const prefix = new Int16Array(TABLE_SIZE);
  const suffix = new Uint8Array(TABLE_SIZE);
  const first = new Uint8Array(TABLE_SIZE);
  const length = new Uint16Array(TABLE_SIZE);
  for (let c = 0; c < 256; c++) {
    suffix[c] = c;
    first[c] = c;
    length[c] = 1;
  }
  let width = 9;
  let next = FIRST_FREE;
  let previous = -1;
  let op = 0;
  let ip = 0;
  let bits = 0;
  let bitCount = 0;
  const n = input.length;

  while (op < expectedBytes) {
    while (bitCount < width) {
      if (ip >= n) return out; // ran out of input without EOI: what was decoded stands
      bits = ((bits << 8) | input[ip++]!) & 0xffffff;
      bitCount += 8;
    }
    bitCount -= width;
    const code = (bits >>> bitCount) & ((1 << width) - 1);
    if (code === EOI) break;
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      previous = -1;
      continue;
    }
    if (previous === -1) {
      if (code > 255) throw new Error(`corrupt LZW data: code ${code} after Clear`);
      out[op++] = code;
      previous = code;
      continue;
    }
    let string: number;
    let firstByte: number;
    if (code < next) {
      string = code;
      firstByte = first[code]!;
    } else if (code === next) {
      // The code being defined: the previous string plus its own first byte.
      string = previous;
      firstByte = first[previous]!;
    } else {
      throw new Error(`corrupt LZW data: code ${code} before it is defined (next is ${next})`);
    }
    // Write the string backwards from its last byte, following prefixes.
    const len = length[string]!;
    let end = op + len;
    if (code === next) {
      if (end < expectedBytes) out[end] = firstByte;
      end++;
    }
    for (let i = op + len - 1, c = string; i >= op; i--, c = prefix[c]!) {
      if (i < expectedBytes) out[i] = suffix[c]!;
    }
    op = end;
    if (next < TABLE_SIZE) {
      prefix[next] = previous;
      suffix[next] = firstByte;
      first[next] = first[previous]!;
      length[next] = length[previous]! + 1;
      next++;
      if (next + 1 >= 1 << width && width < 12) width++;
    }
    previous = code;
  }
  return out;
}
