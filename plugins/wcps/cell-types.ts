/**
 * WCPS cell types, their storage (the engine's sample types) and the promotion rules of induced
 * operations. Values are computed in float64 and stored in the result type, so a cast truncates
 * toward zero and wraps as C does (and as numpy's astype does).
 */
import type { CellTypeName } from './ast.js';
import type { SampleArray, SampleType } from '../coverages/types.js';

export type CellType = CellTypeName;

interface Info {
  sample: SampleType;
  integer: boolean;
  signed: boolean;
  bits: number;
}

const INFO: Record<CellType, Info> = {
  boolean: { sample: 'uint8', integer: true, signed: false, bits: 1 },
  char: { sample: 'int8', integer: true, signed: true, bits: 8 },
  'unsigned char': { sample: 'uint8', integer: true, signed: false, bits: 8 },
  short: { sample: 'int16', integer: true, signed: true, bits: 16 },
  'unsigned short': { sample: 'uint16', integer: true, signed: false, bits: 16 },
  int: { sample: 'int32', integer: true, signed: true, bits: 32 },
  'unsigned int': { sample: 'uint32', integer: true, signed: false, bits: 32 },
  long: { sample: 'int32', integer: true, signed: true, bits: 32 },
  'unsigned long': { sample: 'uint32', integer: true, signed: false, bits: 32 },
  float: { sample: 'float32', integer: false, signed: true, bits: 32 },
  double: { sample: 'float64', integer: false, signed: true, bits: 64 },
};

const FROM_SAMPLE: Record<SampleType, CellType> = {
  uint8: 'unsigned char',
  int8: 'char',
  uint16: 'unsigned short',
  int16: 'short',
  uint32: 'unsigned int',
  int32: 'int',
  float32: 'float',
  float64: 'double',
};

export function isCellType(name: string): name is CellType {
  return Object.prototype.hasOwnProperty.call(INFO, name);
}
export const sampleTypeOf = (t: CellType): SampleType => INFO[t].sample;
export const cellTypeOfSample = (s: SampleType): CellType => FROM_SAMPLE[s];
export const isInteger = (t: CellType): boolean => INFO[t].integer && t !== 'boolean';
export const isFloat = (t: CellType): boolean => !INFO[t].integer;
export const isBoolean = (t: CellType): boolean => t === 'boolean';

const SIGNED_BY_BITS: Record<number, CellType> = { 8: 'char', 16: 'short', 32: 'long' };
const UNSIGNED_BY_BITS: Record<number, CellType> = { 8: 'unsigned char', 16: 'unsigned short', 32: 'unsigned long' };

/** The smallest type holding every value of both (booleans count as unsigned char). */
export function unify(a: CellType, b: CellType): CellType {
  if (a === b) return a;
  const x = INFO[a];
  const y = INFO[b];
  if (!x.integer || !y.integer) {
    const fitsFloat = (i: Info) => (!i.integer ? i.bits === 32 : i.bits <= 16);
    return fitsFloat(x) && fitsFloat(y) ? 'float' : 'double';
  }
  const bx = Math.max(8, x.bits);
  const by = Math.max(8, y.bits);
  if (x.signed === y.signed) return (x.signed ? SIGNED_BY_BITS : UNSIGNED_BY_BITS)[Math.max(bx, by)]!;
  const unsignedBits = x.signed ? by : bx;
  const signedBits = x.signed ? bx : by;
  const bits = Math.max(signedBits, unsignedBits * 2);
  return bits <= 32 ? SIGNED_BY_BITS[bits]! : 'double';
}

/** + - *: integers widen one step to a signed type (8 → short, 16 → long, 32 → double); floats unify. */
export function arithmetic(a: CellType, b: CellType): CellType {
  const u = unify(a, b);
  if (isFloat(u)) return u;
  const bits = Math.max(8, INFO[u].bits);
  return bits >= 32 ? 'double' : SIGNED_BY_BITS[bits * 2]!;
}

/** /: float when both fit a float exactly (integers of at most 16 bits, float), else double. */
export function division(a: CellType, b: CellType): CellType {
  const u = unify(a, b);
  return u === 'float' || (INFO[u].integer && INFO[u].bits <= 16) ? 'float' : 'double';
}

/** Math functions: float for float and small integers, double otherwise. */
export function mathResult(a: CellType): CellType {
  return a === 'float' || (INFO[a].integer && INFO[a].bits <= 16) ? 'float' : 'double';
}

/** Unary minus: signed types stay, unsigned ones become the next signed type. */
export function negated(a: CellType): CellType {
  const i = INFO[a];
  if (!i.integer || i.signed) return a;
  const bits = Math.max(8, i.bits) * 2;
  return bits <= 32 ? SIGNED_BY_BITS[bits]! : 'double';
}

/** The type of an integer literal: the smallest holding it; other numbers are double. */
export function literalType(value: number, integer: boolean): CellType {
  if (!integer || !Number.isSafeInteger(value)) return 'double';
  if (value >= 0) return value <= 255 ? 'unsigned char' : value <= 65535 ? 'unsigned short' : value <= 4294967295 ? 'unsigned long' : 'double';
  return value >= -128 ? 'char' : value >= -32768 ? 'short' : value >= -2147483648 ? 'long' : 'double';
}

export function allocate(type: CellType, length: number): SampleArray {
  switch (INFO[type].sample) {
    case 'uint8':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
  }
}

/** A value as the type stores it (truncation and wrap-around for integers, rounding for float). */
export function coerce(value: number, type: CellType): number {
  if (type === 'boolean') return value !== 0 && !Number.isNaN(value) ? 1 : 0;
  if (type === 'double') return value;
  const a = allocate(type, 1);
  a[0] = value;
  return a[0]!;
}

/** Stores a float64 block into the type's array in place semantics (the array converts). */
export function converted(values: Float64Array, type: CellType): Float64Array {
  if (type === 'double') return values;
  if (type === 'boolean') {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 && values[i] === values[i] ? 1 : 0;
    return out;
  }
  const stored = allocate(type, values.length);
  stored.set(values as never);
  // Typed-array set converts by ToInt32-style truncation for integers but NaN becomes 0; that is C's (undefined) behaviour made definite.
  const out = new Float64Array(values.length);
  out.set(stored as never);
  return out;
}
