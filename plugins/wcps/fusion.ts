/**
 * Fused evaluation of induced operations: a tree of induced operations, field accesses and
 * range constructors over reads becomes one loop per block, generated as JavaScript source and
 * compiled once per query with `new Function`. Each cell is computed in local variables, so no
 * array is allocated per operator, reads are used in their own sample type (no float64 copy),
 * and the result is stored straight into an array of the type the caller asks for.
 *
 * The source is built only from the fixed templates below, from the operator names of the typed
 * plan (never from query text); numbers, scalars and arrays are parameters of the function.
 */
import type { BinaryOp } from './ast.js';
import { allocate, type CellType } from './cell-types.js';
import { wcpsFail } from './errors.js';
import type { SampleArray } from '../coverages/types.js';

/**
 * Switches for the tests that compare the fused loops with the block kernels (kernels.ts), the
 * streamed GeoTIFF with the whole-image encoder, and fused loops run by the engine's workers
 * (computeRows) with the same loops run here; always on otherwise.
 */
export const evaluation = { fused: true, streamed: true, remote: true };

/** What an induced node computes per cell, as the code generator knows it. */
export type CellOp =
  | { op: 'binary'; name: BinaryOp | 'min' | 'max' | 'pow' | 'mod' | 'bit'; bitwise?: boolean; unsigned?: boolean }
  | { op: 'unary'; name: UnaryName }
  | { op: 'cast'; type: CellType }
  | { op: 'switch'; cases: number };

export type UnaryName = 'abs' | 'sqrt' | 'exp' | 'log' | 'ln' | 'sin' | 'cos' | 'tan' | 'arcsin' | 'arccos' | 'arctan' | 'sinh' | 'cosh' | 'tanh' | 'round' | 'floor' | 'ceil' | 'not' | 'bitnot' | 'negate';

export interface CellCode {
  op: CellOp;
  /** Stores the value in this type after the operation (integer wrap-around), as `converted` does. */
  store?: CellType;
}

const UNARY_CODE: Record<UnaryName, (x: string) => string> = {
  abs: (x) => `Math.abs(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log10(${x})`,
  ln: (x) => `Math.log(${x})`,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  tan: (x) => `Math.tan(${x})`,
  arcsin: (x) => `Math.asin(${x})`,
  arccos: (x) => `Math.acos(${x})`,
  arctan: (x) => `Math.atan(${x})`,
  sinh: (x) => `Math.sinh(${x})`,
  cosh: (x) => `Math.cosh(${x})`,
  tanh: (x) => `Math.tanh(${x})`,
  round: (x) => `(Math.sign(${x}) * Math.round(Math.abs(${x})))`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
  not: (x) => `(${x} !== 0 ? 0 : 1)`,
  bitnot: (x) => `(~${x})`,
  negate: (x) => `(-${x})`,
};

const truth = (x: string) => `(${x} !== 0 && ${x} === ${x})`;

function binaryCode(op: Extract<CellOp, { op: 'binary' }>, a: string, b: string): string {
  const u = (x: string) => (op.unsigned ? `((${x}) >>> 0)` : `(${x})`);
  switch (op.name) {
    case '+':
    case '-':
    case '*':
    case '/':
      return `(${a} ${op.name} ${b})`;
    case '=':
      return `(${a} === ${b} ? 1 : 0)`;
    case '!=':
      return `(${a} !== ${b} ? 1 : 0)`;
    case '<':
    case '>':
    case '<=':
    case '>=':
      return `(${a} ${op.name} ${b} ? 1 : 0)`;
    case 'and':
      return op.bitwise ? u(`${a} & ${b}`) : `(${truth(a)} && ${truth(b)} ? 1 : 0)`;
    case 'or':
      return op.bitwise ? u(`${a} | ${b}`) : `(${truth(a)} || ${truth(b)} ? 1 : 0)`;
    case 'xor':
      return op.bitwise ? u(`${a} ^ ${b}`) : `(${truth(a)} !== ${truth(b)} ? 1 : 0)`;
    case 'min':
      return `(${a} < ${b} ? ${a} : ${b})`;
    case 'max':
      return `(${a} > ${b} ? ${a} : ${b})`;
    case 'pow':
      return `Math.pow(${a}, ${b})`;
    case 'mod':
      return `(${a} % ${b})`;
    case 'bit':
      return `(Math.floor(${a} / 2 ** ${b}) % 2)`;
  }
}

/** A value stored in a cell type and read back (what a typed array does on assignment). */
export function storeCode(type: CellType, x: string): string {
  switch (type) {
    case 'double':
      return x;
    case 'float':
      return `Math.fround(${x})`;
    case 'boolean':
      return `(${truth(x)} ? 1 : 0)`;
    case 'char':
      return `((${x} << 24) >> 24)`;
    case 'unsigned char':
      return `(${x} & 255)`;
    case 'short':
      return `((${x} << 16) >> 16)`;
    case 'unsigned short':
      return `(${x} & 65535)`;
    case 'int':
    case 'long':
      return `(${x} | 0)`;
    case 'unsigned int':
    case 'unsigned long':
      return `(${x} >>> 0)`;
  }
}

/** The cell expression of a node's operation over its operands' variables. */
export function cellExpression(code: CellCode, args: string[]): string {
  const { op } = code;
  let e: string;
  switch (op.op) {
    case 'binary':
      e = binaryCode(op, args[0]!, args[1]!);
      break;
    case 'unary':
      e = UNARY_CODE[op.name](args[0]!);
      break;
    case 'cast':
      e = storeCode(op.type, args[0]!);
      break;
    case 'switch': {
      // The first case whose condition is not 0 (NaN counts as true, as in the block kernel).
      e = args[2 * op.cases]!;
      for (let k = op.cases - 1; k >= 0; k--) e = `(${args[2 * k]} !== 0 ? ${args[2 * k + 1]} : ${e})`;
      break;
    }
  }
  return e;
}

/** Where a fused loop takes a cell value from. */
export type Source =
  /** Band `band` of what `fetch` gives for the block (reads in their sample type, other nodes' float64 blocks). */
  | { kind: 'array'; owner: object; band: number }
  /** A scalar operand, evaluated once per block. */
  | { kind: 'scalar'; owner: object };

/** Builds a fused loop: nodes call `source` for their leaves and `emit` for their operation. */
export class LoopBuilder {
  readonly sources: Source[] = [];
  private readonly sourceIndex = new Map<object, Map<number, string>>();
  private readonly lines: string[] = [];
  private readonly memo = new Map<object, Map<number, string>>();
  private next = 0;

  /** A variable for a leaf's value in the current cell. */
  source(s: Source): string {
    const band = s.kind === 'array' ? s.band : -1;
    let byBand = this.sourceIndex.get(s.owner);
    if (!byBand) this.sourceIndex.set(s.owner, (byBand = new Map()));
    let name = byBand.get(band);
    if (!name) {
      const k = this.sources.length;
      this.sources.push(s);
      name = s.kind === 'array' ? this.bind(`a${k}[i]`) : `p${k}`;
      byBand.set(band, name);
    }
    return name;
  }

  /** A variable holding `expression` for the current cell. */
  bind(expression: string): string {
    const v = `v${this.next++}`;
    this.lines.push(`const ${v} = ${expression};`);
    return v;
  }

  /** A variable holding a node's operation on its operands' variables (then stored in its type). */
  operation(code: CellCode, args: string[]): string {
    const v = this.bind(cellExpression(code, args));
    return code.store && code.store !== 'double' ? this.bind(storeCode(code.store, v)) : v;
  }

  /** The variable of (node, band) when it was computed already; else computes it once. */
  memoized(node: object, band: number, compute: () => string): string {
    let byBand = this.memo.get(node);
    if (!byBand) this.memo.set(node, (byBand = new Map()));
    let v = byBand.get(band);
    if (v === undefined) {
      v = compute();
      byBand.set(band, v);
    }
    return v;
  }

  /** The source of the loop body (the RowKernel the engine's workers run for a streamed GeoTIFF). */
  body(outputs: string[]): string {
    const head = this.sources.map((s, k) => (s.kind === 'array' ? `const a${k} = A[${k}];` : `const p${k} = P[${k}];`));
    const outs = outputs.map((_, b) => `const o${b} = O[${b}];`);
    const stores = outputs.map((v, b) => `o${b}[i] = ${v};`);
    return `"use strict";\n${head.join('\n')}\n${outs.join('\n')}\nfor (let i = 0; i < n; i++) {\n${this.lines.join('\n')}\n${stores.join('\n')}\n}`;
  }

  /** The loop over outputs: `(n, arrays, scalars, outputs) => void`. */
  compile(outputs: string[]): Kernel {
    const body = this.body(outputs);
    let kernel = compiled.get(body);
    if (!kernel) {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the templates above only
      kernel = new Function('n', 'A', 'P', 'O', body) as Kernel;
      if (compiled.size >= 256) compiled.delete(compiled.keys().next().value as string);
    }
    // Most recently used last: a query run again finds its loop already optimised by V8.
    compiled.delete(body);
    compiled.set(body, kernel);
    return kernel;
  }
}

/** Loops by source: the same query shape reuses its function. */
const compiled = new Map<string, Kernel>();

export type Kernel = (n: number, arrays: ArrayLike<number>[], scalars: number[], outputs: SampleArray[]) => void;

/** Output arrays of a cell type (float64 for `double` and blocks passed on to other nodes). */
export function outputArrays(type: CellType | 'float64', bands: number, n: number): SampleArray[] {
  return Array.from({ length: bands }, () => (type === 'float64' ? new Float64Array(n) : allocate(type, n)));
}

export function scalarNumber(value: unknown, pos: import('./errors.js').Position): number {
  if (typeof value !== 'number') wcpsFail('TypeMismatch', 'a string or interval cannot be an operand of an induced operation', pos);
  return value;
}
