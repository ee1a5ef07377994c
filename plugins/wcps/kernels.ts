/** Cell-wise kernels of induced operations over float64 blocks (scalars broadcast). */
import type { BinaryOp } from './ast.js';

type Arg = Float64Array | number;

function binary(f: (a: number, b: number) => number): (args: Arg[], n: number) => Float64Array {
  return (args, n) => {
    const [a, b] = args as [Arg, Arg];
    const out = new Float64Array(n);
    if (typeof a === 'number' && typeof b === 'number') out.fill(f(a, b));
    else if (typeof a === 'number') for (let i = 0; i < n; i++) out[i] = f(a, (b as Float64Array)[i]!);
    else if (typeof b === 'number') for (let i = 0; i < n; i++) out[i] = f(a[i]!, b);
    else for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return out;
  };
}

// The common arithmetic gets loops of its own: a call per cell would cost more than the operation.
function add(args: Arg[], n: number): Float64Array {
  const [a, b] = args as [Arg, Arg];
  if (typeof a === 'number' || typeof b === 'number') return binary((x, y) => x + y)(args, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
  return out;
}
function subtract(args: Arg[], n: number): Float64Array {
  const [a, b] = args as [Arg, Arg];
  if (typeof a === 'number' || typeof b === 'number') return binary((x, y) => x - y)(args, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
  return out;
}
function multiply(args: Arg[], n: number): Float64Array {
  const [a, b] = args as [Arg, Arg];
  if (typeof a === 'number' || typeof b === 'number') return binary((x, y) => x * y)(args, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
  return out;
}
function divide(args: Arg[], n: number): Float64Array {
  const [a, b] = args as [Arg, Arg];
  if (typeof a === 'number' || typeof b === 'number') return binary((x, y) => x / y)(args, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  return out;
}

const truth = (x: number) => x !== 0 && x === x;

/** `bitwise`: the operands are integers (and, or, xor are then bitwise); unsigned results stay unsigned. */
export function binaryKernel(op: BinaryOp | 'min' | 'max' | 'pow' | 'mod' | 'bit', options: { bitwise?: boolean; unsigned?: boolean } = {}): (args: Arg[], n: number) => Float64Array {
  const u = options.unsigned ? (x: number) => x >>> 0 : (x: number) => x;
  switch (op) {
    case '+':
      return add;
    case '-':
      return subtract;
    case '*':
      return multiply;
    case '/':
      return divide;
    case '=':
      return binary((a, b) => (a === b ? 1 : 0));
    case '!=':
      return binary((a, b) => (a !== b ? 1 : 0));
    case '<':
      return binary((a, b) => (a < b ? 1 : 0));
    case '>':
      return binary((a, b) => (a > b ? 1 : 0));
    case '<=':
      return binary((a, b) => (a <= b ? 1 : 0));
    case '>=':
      return binary((a, b) => (a >= b ? 1 : 0));
    case 'and':
      return options.bitwise ? binary((a, b) => u(a & b)) : binary((a, b) => (truth(a) && truth(b) ? 1 : 0));
    case 'or':
      return options.bitwise ? binary((a, b) => u(a | b)) : binary((a, b) => (truth(a) || truth(b) ? 1 : 0));
    case 'xor':
      return options.bitwise ? binary((a, b) => u(a ^ b)) : binary((a, b) => (truth(a) !== truth(b) ? 1 : 0));
    case 'min':
      return binary((a, b) => (a < b ? a : b));
    case 'max':
      return binary((a, b) => (a > b ? a : b));
    case 'pow':
      return binary(Math.pow);
    case 'mod':
      return binary((a, b) => a % b);
    case 'bit':
      return binary((a, b) => Math.floor(a / 2 ** b) % 2);
  }
}

export const UNARY: Record<string, (x: number) => number> = {
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log10,
  ln: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  round: (x) => Math.sign(x) * Math.round(Math.abs(x)),
  floor: Math.floor,
  ceil: Math.ceil,
};

export function unaryKernel(f: (x: number) => number): (args: Arg[], n: number) => Float64Array {
  return (args, n) => {
    const a = args[0]!;
    const out = new Float64Array(n);
    if (typeof a === 'number') out.fill(f(a));
    else for (let i = 0; i < n; i++) out[i] = f(a[i]!);
    return out;
  };
}
