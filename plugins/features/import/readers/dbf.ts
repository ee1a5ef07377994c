/**
 * The .dbf file of a shapefile (dBASE III/IV as shapefiles use it): the header, the field
 * descriptors and fixed-width records. Text is decoded with the encoding the .cpg file names,
 * else the one the header's language driver id names; without either, UTF-8 when the bytes are
 * valid UTF-8, else Windows-1252.
 */
import type { PropertyType } from '../../types.js';

export interface DbfField {
  name: string;
  /** dBASE type letter: C, N, F, L, D, I, M... */
  kind: string;
  length: number;
  decimals: number;
  offset: number;
  /** undefined for fields not imported (memo, binary). */
  type?: PropertyType;
}

export interface DbfHeader {
  records: number;
  headerBytes: number;
  recordBytes: number;
  languageDriver: number;
  fields: DbfField[];
}

export class DbfError extends Error {
  override name = 'DbfError';
}

/** Language driver ids of the dBASE header and the code pages they stand for (those seen in shapefiles). */
const LDID: Record<number, string> = {
  0x01: 'ibm437', 0x02: 'ibm850', 0x03: 'windows-1252', 0x08: 'ibm865', 0x09: 'ibm437', 0x0a: 'ibm850', 0x0b: 'ibm437',
  0x0d: 'ibm437', 0x0e: 'ibm850', 0x0f: 'ibm437', 0x10: 'ibm850', 0x11: 'ibm437', 0x12: 'ibm850', 0x13: 'shift_jis',
  0x14: 'ibm850', 0x15: 'ibm437', 0x16: 'ibm850', 0x17: 'ibm865', 0x18: 'ibm437', 0x19: 'ibm437', 0x1a: 'ibm850',
  0x1b: 'ibm437', 0x1c: 'ibm863', 0x1d: 'ibm850', 0x1f: 'ibm852', 0x22: 'ibm852', 0x23: 'ibm852', 0x24: 'ibm860',
  0x25: 'ibm850', 0x26: 'ibm866', 0x37: 'ibm850', 0x40: 'ibm852', 0x4d: 'gbk', 0x4e: 'euc-kr', 0x4f: 'big5',
  0x50: 'windows-874', 0x57: 'windows-1252', 0x58: 'windows-1252', 0x59: 'windows-1252', 0x64: 'ibm852', 0x65: 'ibm866',
  0x66: 'ibm865', 0x67: 'ibm861', 0x6a: 'ibm737', 0x6b: 'ibm857', 0x78: 'big5', 0x79: 'euc-kr', 0x7a: 'gbk',
  0x7b: 'shift_jis', 0x7c: 'windows-874', 0x7d: 'windows-1255', 0x7e: 'windows-1256', 0x86: 'ibm737', 0x87: 'ibm852',
  0x88: 'ibm857', 0x96: 'x-mac-cyrillic', 0x98: 'macintosh', 0xc8: 'windows-1250', 0xc9: 'windows-1251', 0xca: 'windows-1254',
  0xcb: 'windows-1253', 0xcc: 'windows-1257',
};

export function readDbfHeader(head: Buffer, descriptors: Buffer): DbfHeader {
  if (head.length < 32) throw new DbfError('The .dbf file is shorter than its header');
  const records = head.readUInt32LE(4);
  const headerBytes = head.readUInt16LE(8);
  const recordBytes = head.readUInt16LE(10);
  const fields: DbfField[] = [];
  let offset = 1; // the deletion flag
  for (let at = 0; at + 32 <= descriptors.length && descriptors[at] !== 0x0d; at += 32) {
    const nameEnd = descriptors.indexOf(0, at);
    const name = descriptors.toString('latin1', at, nameEnd >= 0 && nameEnd < at + 11 ? nameEnd : at + 11).trim();
    const kind = String.fromCharCode(descriptors[at + 11]!).toUpperCase();
    const length = descriptors[at + 16]!;
    const decimals = descriptors[at + 17]!;
    fields.push({ name, kind, length, decimals, offset, type: fieldType(kind, length, decimals) });
    offset += length;
  }
  if (offset > recordBytes) throw new DbfError(`The .dbf fields take ${offset} bytes, more than its records' ${recordBytes}`);
  return { records, headerBytes, recordBytes, languageDriver: head[29]!, fields };
}

/** How GDAL types dBASE fields: N without decimals is an integer while it fits one. */
function fieldType(kind: string, length: number, decimals: number): PropertyType | undefined {
  switch (kind) {
    case 'C':
      return 'string';
    case 'N':
      return decimals === 0 && length <= 15 ? 'integer' : 'number';
    case 'F':
    case 'O':
      return 'number';
    case 'I':
    case '+':
      return 'integer';
    case 'L':
      return 'boolean';
    case 'D':
      return 'date';
    case '@':
      return 'datetime';
    default:
      return undefined;
  }
}

/** The encoding a .cpg file's text names ('UTF-8', '1252', 'ISO-8859-1', 'CP1251'...), as a TextDecoder label. */
export function cpgEncoding(cpg: string): string | undefined {
  const s = cpg.trim().toLowerCase().replace(/^"|"$/g, '');
  if (s === '') return undefined;
  const label = /^\d+$/.test(s) ? (Number(s) >= 1250 && Number(s) <= 1258 ? `windows-${s}` : s === '65001' ? 'utf-8' : `ibm${s}`) : s.replace(/^(cp|ansi)[ _-]?(125\d)$/, 'windows-$2').replace(/^(cp|oem)[ _-]?(\d{3})$/, 'ibm$2');
  return decoderFor(label) ? label : undefined;
}

export function ldidEncoding(ldid: number): string | undefined {
  const label = LDID[ldid];
  return label && decoderFor(label) ? label : undefined;
}

function decoderFor(label: string): InstanceType<typeof TextDecoder> | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/** Decodes text fields; `undefined` encoding: UTF-8 where valid, else Windows-1252. */
export function textDecoder(encoding: string | undefined): (bytes: Buffer) => string {
  if (encoding) {
    const d = new TextDecoder(encoding);
    return (b) => d.decode(b);
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const fallback = new TextDecoder('windows-1252');
  return (b) => {
    try {
      return utf8.decode(b);
    } catch {
      return fallback.decode(b);
    }
  };
}

/** One record's values by field name; undefined for a deleted record. Throws DbfError for a value that is not of its type. */
export function readDbfRecord(b: Buffer, fields: DbfField[], decode: (bytes: Buffer) => string): Record<string, unknown> | undefined {
  if (b[0] === 0x2a) return undefined; // '*': deleted
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    if (!f.type) continue;
    const raw = b.subarray(f.offset, f.offset + f.length);
    values[f.name] = fieldValue(f, raw, decode);
  }
  return values;
}

function fieldValue(f: DbfField, raw: Buffer, decode: (bytes: Buffer) => string): unknown {
  switch (f.kind) {
    case 'C': {
      // Trailing spaces pad the field; a NUL ends it.
      const nul = raw.indexOf(0);
      const text = decode(nul >= 0 ? raw.subarray(0, nul) : raw).replace(/\s+$/, '');
      return text === '' ? null : text;
    }
    case 'N':
    case 'F': {
      const s = raw.toString('latin1').replace(/\0/g, '').trim();
      if (s === '' || /^\*+$/.test(s) || /^-?\.?$/.test(s)) return null;
      const n = Number(s.replace(',', '.'));
      if (!Number.isFinite(n)) throw new DbfError(`field ${f.name}: ${JSON.stringify(s)} is not a number`);
      return n;
    }
    case 'I':
    case '+':
      return raw.length >= 4 ? raw.readInt32LE(0) : null;
    case 'O':
      return raw.length >= 8 ? raw.readDoubleLE(0) : null;
    case 'L': {
      const c = String.fromCharCode(raw[0] ?? 0x3f).toUpperCase();
      if ('TY'.includes(c)) return true;
      if ('FN'.includes(c)) return false;
      return null;
    }
    case 'D': {
      const s = raw.toString('latin1').trim();
      if (s === '' || /^0+$/.test(s)) return null;
      // Some writers (GDAL among them) leave a year before 1000 unpadded: ' 1210630' is 0121-06-30.
      const m = /^(\d{1,4})(\d{2})(\d{2})$/.exec(s);
      if (!m) throw new DbfError(`field ${f.name}: ${JSON.stringify(s)} is not a date (YYYYMMDD)`);
      return `${m[1]!.padStart(4, '0')}-${m[2]}-${m[3]}`;
    }
    case '@': {
      // Julian day number and milliseconds of the day, both big-endian.
      if (raw.length < 8) return null;
      const day = raw.readInt32BE(0);
      const ms = raw.readInt32BE(4);
      if (day === 0 && ms === 0) return null;
      return new Date((day - 2440588) * 86400000 + ms).toISOString();
    }
    default:
      return null;
  }
}
