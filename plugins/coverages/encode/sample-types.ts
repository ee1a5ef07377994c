/** How each sample type is stored in a TIFF: bits, SampleFormat, the typed array that holds it. */
import type { SampleArray, SampleType } from '../types.js';
import { SampleFormatCode } from './tiff-tags.js';

type SampleArrayConstructor = { new (length: number): SampleArray; readonly BYTES_PER_ELEMENT: number };

export interface SampleTypeInfo {
  bits: number;
  format: number;
  array: SampleArrayConstructor;
  integer: boolean;
  min: number;
  max: number;
}

export const SAMPLE_TYPES: Record<SampleType, SampleTypeInfo> = {
  uint8: { bits: 8, format: SampleFormatCode.uint, array: Uint8Array, integer: true, min: 0, max: 255 },
  int8: { bits: 8, format: SampleFormatCode.int, array: Int8Array, integer: true, min: -128, max: 127 },
  uint16: { bits: 16, format: SampleFormatCode.uint, array: Uint16Array, integer: true, min: 0, max: 65535 },
  int16: { bits: 16, format: SampleFormatCode.int, array: Int16Array, integer: true, min: -32768, max: 32767 },
  uint32: { bits: 32, format: SampleFormatCode.uint, array: Uint32Array, integer: true, min: 0, max: 4294967295 },
  int32: { bits: 32, format: SampleFormatCode.int, array: Int32Array, integer: true, min: -2147483648, max: 2147483647 },
  float32: { bits: 32, format: SampleFormatCode.float, array: Float32Array, integer: false, min: -Infinity, max: Infinity },
  float64: { bits: 64, format: SampleFormatCode.float, array: Float64Array, integer: false, min: -Infinity, max: Infinity },
};
