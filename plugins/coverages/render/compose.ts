/** Porter-Duff "source over destination" for straight-alpha RGBA: several WMS layers on one map. */

/** Draws src over dst, in place. Both are width*height*4 bytes, straight (not premultiplied) alpha. */
export function composeOver(dst: Uint8ClampedArray, src: Uint8ClampedArray): void {
  if (dst.length !== src.length) throw new Error(`cannot compose ${src.length} bytes over ${dst.length}`);
  for (let o = 0; o < src.length; o += 4) {
    const sa = src[o + 3];
    if (sa === 0) continue;
    const da = dst[o + 3];
    if (sa === 255 || da === 0) {
      dst[o] = src[o];
      dst[o + 1] = src[o + 1];
      dst[o + 2] = src[o + 2];
      dst[o + 3] = sa;
      continue;
    }
    // out_a = sa + da (1 - sa); out_c = (sc sa + dc da (1 - sa)) / out_a, in 0..255 units.
    const dw = (da * (255 - sa)) / 255;
    const oa = sa + dw;
    dst[o] = (src[o] * sa + dst[o] * dw) / oa;
    dst[o + 1] = (src[o + 1] * sa + dst[o + 1] * dw) / oa;
    dst[o + 2] = (src[o + 2] * sa + dst[o + 2] * dw) / oa;
    dst[o + 3] = oa;
  }
}
