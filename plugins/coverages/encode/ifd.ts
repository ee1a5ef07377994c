/**
 * Image File Directories, classic TIFF or BigTIFF, little-endian. An IFD is written as its
 * entry table followed at once by the values too long to sit in an entry, so its size is known
 * before any offset in it is (the layout sizes every IFD first, then fills in tile offsets).
 */
import { FIELD_TYPE_SIZE, FieldType } from './tiff-tags.js';

export interface IfdEntry {
  tag: number;
  type: FieldType;
  /** Numbers for numeric types; a string for ASCII (written NUL-terminated). */
  values: readonly number[] | string;
}

export interface TiffFormat {
  bigTiff: boolean;
}

const entrySize = (f: TiffFormat) => (f.bigTiff ? 20 : 12);
const inlineCapacity = (f: TiffFormat) => (f.bigTiff ? 8 : 4);
/** The entry count before the table and the next-IFD offset after it. */
const countSize = (f: TiffFormat) => (f.bigTiff ? 8 : 2);
const offsetSize = (f: TiffFormat) => (f.bigTiff ? 8 : 4);

function valueCount(entry: IfdEntry): number {
  return typeof entry.values === 'string' ? Buffer.byteLength(entry.values, 'utf8') + 1 : entry.values.length;
}

function valueBytes(entry: IfdEntry): number {
  return valueCount(entry) * FIELD_TYPE_SIZE[entry.type];
}

const even = (n: number) => n + (n & 1);

/** Bytes an IFD takes with its out-of-line values (each started on an even offset). */
export function ifdByteLength(entries: readonly IfdEntry[], format: TiffFormat): number {
  let size = countSize(format) + entries.length * entrySize(format) + offsetSize(format);
  for (const entry of entries) {
    const bytes = valueBytes(entry);
    if (bytes > inlineCapacity(format)) size = even(size) + bytes;
  }
  return even(size);
}

function writeValues(view: DataView, at: number, entry: IfdEntry): void {
  if (typeof entry.values === 'string') {
    const text = Buffer.from(entry.values, 'utf8');
    new Uint8Array(view.buffer, view.byteOffset + at, text.length).set(text);
    view.setUint8(at + text.length, 0);
    return;
  }
  const size = FIELD_TYPE_SIZE[entry.type];
  entry.values.forEach((v, i) => {
    const p = at + i * size;
    switch (entry.type) {
      case FieldType.BYTE: view.setUint8(p, v); break;
      case FieldType.SHORT: view.setUint16(p, v, true); break;
      case FieldType.LONG: view.setUint32(p, v, true); break;
      case FieldType.DOUBLE: view.setFloat64(p, v, true); break;
      case FieldType.LONG8: view.setBigUint64(p, BigInt(v), true); break;
      default: throw new Error(`field type ${entry.type} cannot hold numbers`);
    }
  });
}

/**
 * Writes an IFD at `position` of `view` (entries sorted by tag, as TIFF requires) and returns
 * the position after it. `next` is the offset of the following IFD, 0 for the last one.
 */
export function writeIfd(view: DataView, position: number, entries: readonly IfdEntry[], format: TiffFormat, next: number): number {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  let p = position;
  if (format.bigTiff) view.setBigUint64(p, BigInt(sorted.length), true);
  else view.setUint16(p, sorted.length, true);
  p += countSize(format);
  let extra = p + sorted.length * entrySize(format) + offsetSize(format);
  for (const entry of sorted) {
    view.setUint16(p, entry.tag, true);
    view.setUint16(p + 2, entry.type, true);
    const count = valueCount(entry);
    if (format.bigTiff) view.setBigUint64(p + 4, BigInt(count), true);
    else view.setUint32(p + 4, count, true);
    const valueAt = p + (format.bigTiff ? 12 : 8);
    if (valueBytes(entry) <= inlineCapacity(format)) {
      writeValues(view, valueAt, entry);
    } else {
      extra = even(extra);
      if (format.bigTiff) view.setBigUint64(valueAt, BigInt(extra), true);
      else view.setUint32(valueAt, extra, true);
      writeValues(view, extra, entry);
      extra += valueBytes(entry);
    }
    p += entrySize(format);
  }
  if (format.bigTiff) view.setBigUint64(p, BigInt(next), true);
  else view.setUint32(p, next, true);
  return even(extra);
}

/** The 8-byte (classic) or 16-byte (BigTIFF) header pointing at the first IFD. */
export function writeHeader(view: DataView, format: TiffFormat, firstIfd: number): number {
  view.setUint8(0, 0x49);
  view.setUint8(1, 0x49);
  if (format.bigTiff) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(firstIfd), true);
    return 16;
  }
  view.setUint16(2, 42, true);
  view.setUint32(4, firstIfd, true);
  return 8;
}

export const headerByteLength = (format: TiffFormat) => (format.bigTiff ? 16 : 8);
