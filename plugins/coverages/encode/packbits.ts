/**
 * PackBits (TIFF 6.0 section 9, Apple's run-length scheme). TIFF packs each row on its own, so
 * the caller passes the row length: no run crosses a row boundary.
 */
export function packBitsEncode(input: Uint8Array, rowBytes: number): Uint8Array {
  const rows = rowBytes > 0 ? Math.ceil(input.length / rowBytes) : 0;
  // Worst case: all literals, one header byte per 128.
  const out = new Uint8Array(input.length + rows * Math.ceil(rowBytes / 128) + 1);
  let o = 0;
  for (let start = 0; start < input.length; start += rowBytes) {
    const end = Math.min(start + rowBytes, input.length);
    let i = start;
    while (i < end) {
      let run = 1;
      while (i + run < end && run < 128 && input[i + run] === input[i]) run++;
      if (run >= 2) {
        out[o++] = (257 - run) & 0xff; // -(run - 1) as a signed byte
        out[o++] = input[i]!;
        i += run;
        continue;
      }
      // A literal ends where a run of three begins (a run of two costs as much as literals).
      let j = i + 1;
      while (j < end && j - i < 128 && !(j + 2 < end && input[j] === input[j + 1] && input[j] === input[j + 2])) j++;
      out[o++] = j - i - 1;
      out.set(input.subarray(i, j), o);
      o += j - i;
      i = j;
    }
  }
  return out.subarray(0, o);
}
