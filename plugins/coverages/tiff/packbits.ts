/**
 * PackBits decoding (TIFF 6.0 section 9) into a buffer of the known block size: a header byte n
 * copies n+1 literal bytes (0..127) or repeats the next byte 1-n times (-127..-1); -128 is a no-op.
 */
export function decodePackBits(input: Uint8Array, expectedBytes: number): Uint8Array {
  const out = new Uint8Array(expectedBytes);
  const n = input.length;
  let ip = 0;
  let op = 0;
  while (ip < n && op < expectedBytes) {
    const header = (input[ip++]! << 24) >> 24;
    if (header >= 0) {
      const count = Math.min(header + 1, n - ip, expectedBytes - op);
      out.set(input.subarray(ip, ip + count), op);
      ip += header + 1;
      op += count;
    } else if (header !== -128) {
      const count = Math.min(1 - header, expectedBytes - op);
      out.fill(input[ip++]!, op, op + count);
      op += count;
    }
  }
  return out;
}
