/** Three bands as red, green and blue, each stretched from its min..max to 0..255 with a gamma. */
import type { Raster, SampleArray } from '../types.js';
import { linearLookupSize } from './color-map.js';
import type { OutputWindow } from './window.js';

/** How one channel maps a value to 0..255: a table for 8-bit input or a gamma, else arithmetic. */
interface ChannelTransfer {
  /** 8-bit input: the output of each of the 256 values. */
  byteTable: Uint8Array | null;
  /** Output = table[round((v - min) * k)] when a gamma applies, else (v - min) * k directly (k scales to 0..255). */
  table: Uint8Array | null;
  min: number;
  k: number;
}

export function renderRgb(raster: Raster, ranges: Array<[number, number]>, gamma: number, win: OutputWindow, out: Uint8ClampedArray): void {
  const [r, g, b] = raster.bands as [SampleArray, SampleArray, SampleArray];
  const eightBit = raster.sampleType === 'uint8' || raster.sampleType === 'int8';
  const first = raster.sampleType === 'int8' ? -128 : 0;
  const [tr, tg, tb] = ranges.map(([min, max]) => channelTransfer(min, max, gamma, eightBit ? first : undefined));
  const { mask } = raster;
  // Without a mask, a pixel whose three bands all hold the nodata value is missing (as in an RGB file with nodata 0).
  const nodata = mask ? undefined : raster.nodata;
  const { inWidth, margin, width, height } = win;
  if (raster.sampleType === 'uint8' && isIdentity(tr) && isIdentity(tg) && isIdentity(tb)) {
    renderIdentityBytes(r, g, b, mask, nodata, win, out);
    return;
  }
  if (eightBit) {
    const lr = tr.byteTable!;
    const lg = tg.byteTable!;
    const lb = tb.byteTable!;
    for (let y = 0; y < height; y++) {
      let ii = (y + margin) * inWidth + margin;
      let o = y * width * 4;
      for (let x = 0; x < width; x++, ii++, o += 4) {
        const vr = r[ii];
        const vg = g[ii];
        const vb = b[ii];
        if ((mask !== undefined && mask[ii] === 0) || (vr === nodata && vg === nodata && vb === nodata)) {
          out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
          continue;
        }
        out[o] = lr[vr - first];
        out[o + 1] = lg[vg - first];
        out[o + 2] = lb[vb - first];
        out[o + 3] = 255;
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    let ii = (y + margin) * inWidth + margin;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, ii++, o += 4) {
      const vr = r[ii];
      const vg = g[ii];
      const vb = b[ii];
      if ((mask !== undefined && mask[ii] === 0) || vr !== vr || vg !== vg || vb !== vb || (vr === nodata && vg === nodata && vb === nodata)) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        continue;
      }
      out[o] = channel(tr, vr);
      out[o + 1] = channel(tg, vg);
      out[o + 2] = channel(tb, vb);
      out[o + 3] = 255;
    }
  }
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Whether a byte table maps every value to itself (uint8 stretched 0..255 with gamma 1). */
function isIdentity(t: ChannelTransfer): boolean {
  const table = t.byteTable;
  if (table === null) return false;
  for (let i = 0; i < 256; i++) if (table[i] !== i) return false;
  return true;
}

/** uint8 bands shown as they are: the samples are the output levels, so no lookup. */
function renderIdentityBytes(r: SampleArray, g: SampleArray, b: SampleArray, mask: Uint8Array | undefined, nodata: number | undefined, win: OutputWindow, out: Uint8ClampedArray): void {
  const { inWidth, margin, width, height } = win;
  // Nodata outside 0..255 can never match a byte.
  const nd = nodata !== undefined && Number.isInteger(nodata) && nodata >= 0 && nodata <= 255 ? nodata : -1;
  if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) {
    // One 32-bit store per pixel (R, G, B, A in memory order): about half the time of four byte stores.
    const out32 = new Uint32Array(out.buffer, out.byteOffset, width * height);
    for (let y = 0; y < height; y++) {
      let ii = (y + margin) * inWidth + margin;
      let o = y * width;
      for (let x = 0; x < width; x++, ii++, o++) {
        const vr = r[ii]!;
        const vg = g[ii]!;
        const vb = b[ii]!;
        out32[o] = (mask !== undefined && mask[ii] === 0) || (vr === nd && vg === nd && vb === nd) ? 0 : (vr | (vg << 8) | (vb << 16) | 0xff000000) >>> 0;
      }
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    let ii = (y + margin) * inWidth + margin;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, ii++, o += 4) {
      const vr = r[ii]!;
      const vg = g[ii]!;
      const vb = b[ii]!;
      if ((mask !== undefined && mask[ii] === 0) || (vr === nd && vg === nd && vb === nd)) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
        continue;
      }
      out[o] = vr;
      out[o + 1] = vg;
      out[o + 2] = vb;
      out[o + 3] = 255;
    }
  }
}

function channel(t: ChannelTransfer, v: number): number {
  const s = (v - t.min) * t.k;
  if (t.table === null) return s; // the clamped output array clamps and rounds
  const last = t.table.length - 1;
  return t.table[!(s > 0) ? 0 : s >= last ? last : (s + 0.5) | 0];
}

/** first: the smallest 8-bit value (0 or -128) for a 256-entry table; undefined for wider data. */
function channelTransfer(min: number, max: number, gamma: number, first: number | undefined): ChannelTransfer {
  const span = max - min;
  const level = (v: number): number => {
    let t = span === 0 ? (v > min ? 1 : 0) : (v - min) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return Math.round(255 * (gamma === 1 ? t : Math.pow(t, 1 / gamma)));
  };
  if (first !== undefined) {
    const byteTable = new Uint8Array(256);
    for (let i = 0; i < 256; i++) byteTable[i] = level(first + i);
    return { byteTable, table: null, min, k: 0 };
  }
  if (span === 0) {
    // A step at min: a two-entry table, entry 1 for anything above.
    return { byteTable: null, table: Uint8Array.of(0, 255), min, k: Infinity };
  }
  if (gamma === 1) return { byteTable: null, table: null, min, k: 255 / span };
  const steps = linearLookupSize - 1;
  const table = new Uint8Array(linearLookupSize);
  for (let i = 0; i < linearLookupSize; i++) table[i] = level(min + (i / steps) * span);
  return { byteTable: null, table, min, k: steps / span };
}
