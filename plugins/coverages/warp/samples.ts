/**
 * Sample types as the warp stage writes them: arrays of each type, the range an integer type
 * holds, and whether a value of one type fits another unchanged (so a plain typed-array copy is
 * exact) or must be rounded and clamped first.
 */
import type { BufferPool } from '../buffer-pool.js';
import type { SampleArray, SampleType } from '../types.js';

export interface SampleRange {
  integer: boolean;
  min: number;
  max: number;
}

const RANGES: Record<SampleType, SampleRange> = {
  uint8: { integer: true, min: 0, max: 255 },
  int8: { integer: true, min: -128, max: 127 },
  uint16: { integer: true, min: 0, max: 65535 },
  int16: { integer: true, min: -32768, max: 32767 },
  uint32: { integer: true, min: 0, max: 4294967295 },
  int32: { integer: true, min: -2147483648, max: 2147483647 },
  float32: { integer: false, min: -Infinity, max: Infinity },
  float64: { integer: false, min: -Infinity, max: Infinity },
};

export function sampleRange(type: SampleType): SampleRange {
  return RANGES[type];
}

const BYTES: Record<SampleType, number> = { uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 };

/** An array of `length` samples viewing a buffer taken from `pool` (contents undefined until written). */
export function pooledSamples(type: SampleType, length: number, pool: BufferPool): SampleArray {
  const buffer = pool.take(length * BYTES[type]);
  switch (type) {
    case 'uint8': return new Uint8Array(buffer, 0, length);
    case 'int8': return new Int8Array(buffer, 0, length);
    case 'uint16': return new Uint16Array(buffer, 0, length);
    case 'int16': return new Int16Array(buffer, 0, length);
    case 'uint32': return new Uint32Array(buffer, 0, length);
    case 'int32': return new Int32Array(buffer, 0, length);
    case 'float32': return new Float32Array(buffer, 0, length);
    case 'float64': return new Float64Array(buffer, 0, length);
  }
}

export function allocateSamples(type: SampleType, length: number): SampleArray {
  switch (type) {
    case 'uint8': return new Uint8Array(length);
    case 'int8': return new Int8Array(length);
    case 'uint16': return new Uint16Array(length);
    case 'int16': return new Int16Array(length);
    case 'uint32': return new Uint32Array(length);
    case 'int32': return new Int32Array(length);
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
  }
}

/** Types every value of which the key type's values fit without change. */
const HOLDS: Record<SampleType, readonly SampleType[]> = {
  uint8: ['uint8'],
  int8: ['int8'],
  uint16: ['uint8', 'uint16'],
  int16: ['uint8', 'int8', 'int16'],
  uint32: ['uint8', 'uint16', 'uint32'],
  int32: ['uint8', 'int8', 'uint16', 'int16', 'int32'],
  float32: ['uint8', 'int8', 'uint16', 'int16', 'float32'],
  float64: ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'],
};

/** True when every `from` value is stored unchanged in a `to` array (TypedArray.set is exact). */
export function holdsExactly(to: SampleType, from: SampleType): boolean {
  return HOLDS[to].includes(from);
}

/** A value as an array of `range`'s type stores it: rounded half up and clamped for integers. */
export function toSample(value: number, range: SampleRange): number {
  if (!range.integer) return value;
  if (Number.isNaN(value)) return 0;
  const rounded = Math.round(value);
  return rounded < range.min ? range.min : rounded > range.max ? range.max : rounded;
}
