/** The typed syntax tree the parser produces: every node carries where it starts in the query. */
import type { Position } from './errors.js';

export type CellTypeName =
  | 'boolean'
  | 'char'
  | 'unsigned char'
  | 'short'
  | 'unsigned short'
  | 'int'
  | 'unsigned int'
  | 'long'
  | 'unsigned long'
  | 'float'
  | 'double';

export type BinaryOp = '+' | '-' | '*' | '/' | '=' | '!=' | '<' | '>' | '<=' | '>=' | 'and' | 'or' | 'xor';
export type CondenseOp = '+' | '*' | 'max' | 'min' | 'and' | 'or';

/** One axis of a subset, extend or scale: `Lat(40:41)`, `Long:"EPSG:4326"(10)`, `x:"CRS:1"(0:99)`, `ansi("2020-01-01")`. */
export interface AxisSpec {
  axis: string;
  crs?: string;
  /** A trim (either bound may be '*'), a point (slice), or one interval-valued expression (`imageCrsDomain($c, x)`). */
  lo?: Expr | '*';
  hi?: Expr | '*';
  point?: Expr;
  pos: Position;
}

/** A coverage-constructor or condenser iterator: `$px x(0:99)`. */
export interface Iterator {
  variable: string;
  spec: AxisSpec;
  pos: Position;
}

export type Expr =
  | { k: 'number'; value: number; integer: boolean; pos: Position }
  | { k: 'boolean'; value: boolean; pos: Position }
  | { k: 'string'; value: string; pos: Position }
  | { k: 'variable'; name: string; pos: Position }
  /** A bare name where an axis is expected (`imageCrsDomain($c, Long)`). */
  | { k: 'identifier'; name: string; pos: Position }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr; pos: Position }
  | { k: 'unary'; op: '-' | '+' | 'not'; operand: Expr; pos: Position }
  | { k: 'call'; name: string; args: Expr[]; pos: Position }
  | { k: 'cast'; type: CellTypeName; operand: Expr; pos: Position }
  | { k: 'field'; operand: Expr; field: string; pos: Position }
  /** `.lo` / `.hi` of an interval (WCPS 1.1). */
  | { k: 'bound'; operand: Expr; which: 'lo' | 'hi'; pos: Position }
  | { k: 'subset'; operand: Expr; specs: AxisSpec[]; pos: Position }
  | { k: 'range'; components: Array<{ name: string; expr: Expr; pos: Position }>; pos: Position }
  | { k: 'switch'; cases: Array<{ condition: Expr; result: Expr }>; otherwise: Expr; pos: Position }
  | { k: 'condense'; op: CondenseOp; iterators: Iterator[]; where?: Expr; using: Expr; pos: Position }
  | { k: 'construct'; name: string; iterators: Iterator[]; values: Expr; pos: Position }
  | { k: 'scale'; operand: Expr; factor?: Expr; specs?: AxisSpec[]; pos: Position }
  | { k: 'extend'; operand: Expr; specs: AxisSpec[]; pos: Position }
  | { k: 'crsTransform'; operand: Expr; crs: Array<{ axis?: string; crs: string }>; interpolation?: string; pos: Position }
  | { k: 'encode'; operand: Expr; format: string; options?: string; pos: Position };

export interface ForBinding {
  variable: string;
  coverages: Array<{ name: string; pos: Position }>;
  pos: Position;
}

export interface Query {
  iterators: ForBinding[];
  lets: Array<{ variable: string; expr: Expr; pos: Position }>;
  where?: Expr;
  result: Expr;
}
