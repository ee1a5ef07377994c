/**
 * The evaluation plan: what the compiler (compile.ts) builds from the syntax tree once every
 * type and domain is known. Coverage nodes produce their cells block by block (a range of the
 * outermost axis, about `blockCells` cells), so memory stays bounded by the block size and the
 * result; only nodes that cannot be computed that way (a subset or scale of a constructed
 * coverage) hold their operand whole, within the intermediate-cells limit.
 *
 * Subsets, scaling, extension and reprojection are pushed down through induced operations to
 * the reads, so the engine reads only the cells (and overview level) the result needs.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CoveragesService, Grid, Raster, ReadRequest, Resampling, RowKernel } from '../coverages/types.js';
import type { CellType } from './cell-types.js';
import { axisSize, innerCount, outerCount, cellCount, restrictDomain, windowGrid, type AxisSelection, type Domain } from './domain.js';
import { wcpsFail, type Position } from './errors.js';
import { evaluation, LoopBuilder, outputArrays, scalarNumber, type CellCode, type Kernel, type Source } from './fusion.js';
import type { SampleArray } from '../coverages/types.js';

/** The cells of a block: one float64 array per band; mask 0 where a cell is null. */
export interface Block {
  bands: Float64Array[];
  mask?: Uint8Array;
}

export interface BandInfo {
  name: string;
  type: CellType;
  nodata?: number;
}

export interface EvalContext {
  coverages: CoveragesService;
  subject: Subject;
  signal: AbortSignal;
  blockCells: number;
  maxIntermediateCells: number;
  /** Reads of the same window (two references to $c.nir) share one engine read. */
  reads: Map<string, Promise<Raster>>;
  /** Whole values of nodes that need their operand entire. */
  whole: Map<object, Promise<Block>>;
}

export type ScalarType = CellType | 'string' | 'interval';
export type Interval = { lo: number | string; hi: number | string };
export type ScalarValue = number | string | Interval;

export interface ScalarNode {
  kind: 'scalar';
  type: ScalarType;
  pos: Position;
  value(ctx: EvalContext): Promise<ScalarValue>;
  /** Cells read to compute it (for the intermediate limit). */
  cost: number;
}

export abstract class CovNode {
  readonly kind = 'coverage' as const;
  abstract readonly domain: Domain;
  abstract readonly bands: BandInfo[];
  /** The coverage the cells come from (identifier()), the first one for an induced operation. */
  abstract readonly name: string;
  /** True when the cells depend on a coverage-constructor or condenser iterator. */
  abstract readonly iterated: boolean;
  constructor(readonly pos: Position) {}
  /** Cells [start, end) of the outermost axis (the whole value for a 0-D coverage). */
  abstract block(ctx: EvalContext, start: number, end: number): Promise<Block>;
  /** The same cells restricted (or extended) on some axes. */
  restrict(sel: readonly AxisSelection[]): CovNode {
    return new GatherNode(this, restrictDomain(this.domain, sel), sel);
  }
  /** The same cells on another spatial grid (scale, crsTransform), when the reads can do it. */
  regrid(_grid: Grid, _x: [number, number], _y: [number, number], _resampling: Resampling): CovNode | undefined {
    return undefined;
  }
  /** Cells read or held to produce this value. */
  abstract readonly cost: number;
  /** The variable of band `band` in a fused loop (fusion.ts); by default this node's own block is a leaf of it. */
  fuse(builder: LoopBuilder, band: number): string {
    return builder.source({ kind: 'array', owner: this, band });
  }
  /** What a fused loop reads from this node as a leaf: one array per band, and the null mask. */
  async leaf(ctx: EvalContext, start: number, end: number): Promise<{ arrays: ArrayLike<number>[]; mask?: Uint8Array }> {
    const b = await this.block(ctx, start, end);
    return { arrays: b.bands, mask: b.mask };
  }
}

export type Node = ScalarNode | CovNode;

export function constScalar(type: ScalarType, value: ScalarValue, pos: Position): ScalarNode {
  return { kind: 'scalar', type, pos, cost: 0, value: async () => value };
}

export function isConst(n: Node): n is ScalarNode {
  return n.kind === 'scalar' && n.cost === 0;
}

/** An engine coverage (or a window of one) read band-selected on a grid: the native one, or a scaled or reprojected one. */
export class ReadNode extends CovNode {
  readonly iterated = false;
  constructor(
    pos: Position,
    readonly coverage: string,
    readonly domain: Domain,
    readonly bands: BandInfo[],
    readonly bandIndexes: number[],
    readonly resampling: Resampling,
    readonly maxWidth: number,
  ) {
    super(pos);
  }
  get name(): string {
    return this.coverage;
  }
  get cost(): number {
    return cellCount(this.domain) * this.bands.length;
  }
  withBands(indexes: number[]): ReadNode {
    return new ReadNode(this.pos, this.coverage, this.domain, indexes.map((i) => this.bands[i]!), indexes.map((i) => this.bandIndexes[i]!), this.resampling, this.maxWidth);
  }
  override restrict(sel: readonly AxisSelection[]): CovNode {
    return new ReadNode(this.pos, this.coverage, restrictDomain(this.domain, sel), this.bands, this.bandIndexes, this.resampling, this.maxWidth);
  }
  override regrid(grid: Grid, x: [number, number], y: [number, number], resampling: Resampling): CovNode | undefined {
    const d = this.domain;
    if (d.xAt !== undefined || d.yAt !== undefined) return undefined;
    const labels = { x: d.xLabel!, y: d.yLabel! };
    const axes = d.axes.map((a) => (a.role === 'x' ? { ...a, lo: x[0], hi: x[1] } : a.role === 'y' ? { ...a, lo: y[0], hi: y[1] } : { ...a }));
    return new ReadNode(this.pos, this.coverage, { ...d, axes, grid, xLabel: labels.x, yLabel: labels.y }, this.bands, this.bandIndexes, resampling, this.maxWidth);
  }

  private read(ctx: EvalContext, request: ReadRequest): Promise<Raster> {
    const { target, time } = request;
    const key = `${this.coverage}\u0000${this.bandIndexes.join(',')}\u0000${target.crs}\u0000${target.width}x${target.height}\u0000${target.transform.join(',')}\u0000${time?.begin ?? ''}\u0000${this.resampling}`;
    let found = ctx.reads.get(key);
    if (!found) {
      found = ctx.coverages.read(request, ctx.subject);
      ctx.reads.set(key, found);
      // Only the last few windows are kept: blocks are read once each, by every reference at about the same time.
      if (ctx.reads.size > 16) ctx.reads.delete(ctx.reads.keys().next().value as string);
    }
    return found;
  }

  /** The engine reads of a block: one, or one per time step when time is the outermost axis. */
  requests(start: number, end: number): ReadRequest[] {
    const d = this.domain;
    const outer = d.axes[0];
    const ax = d.axes.find((a) => a.role === 'x');
    const ay = d.axes.find((a) => a.role === 'y');
    const at = d.axes.find((a) => a.role === 't');
    let xr: [number, number] = ax ? [ax.lo, ax.hi] : [d.xAt!, d.xAt!];
    let yr: [number, number] = ay ? [ay.lo, ay.hi] : [d.yAt!, d.yAt!];
    let times: Array<number | undefined> = [at ? undefined : d.tAt];
    if (outer?.role === 't') times = Array.from({ length: end - start }, (_, i) => outer.lo + start + i);
    else if (outer?.role === 'y') yr = [outer.lo + start, outer.lo + end - 1];
    else if (outer?.role === 'x') xr = [outer.lo + start, outer.lo + end - 1];
    if (xr[1] - xr[0] + 1 > this.maxWidth) wcpsFail('ResultTooLarge', `coverage ${this.coverage} would be read ${xr[1] - xr[0] + 1} cells wide; the engine reads at most ${this.maxWidth}`, this.pos);
    const target = windowGrid(d.grid!, xr[0], yr[0], xr[1] - xr[0] + 1, yr[1] - yr[0] + 1);
    return times.map((t) => ({ coverage: this.coverage, target, bands: this.bandIndexes, time: t === undefined || !d.times ? undefined : { begin: d.times[t]!, end: d.times[t]! }, resampling: this.resampling }));
  }

  private rasters(ctx: EvalContext, start: number, end: number): Promise<Raster[]> {
    return Promise.all(this.requests(start, end).map((r) => this.read(ctx, r)));
  }

  /** One raster is used as the engine gives it (in its sample type); several are joined in a block. */
  override async leaf(ctx: EvalContext, start: number, end: number): Promise<{ arrays: ArrayLike<number>[]; mask?: Uint8Array }> {
    const rasters = await this.rasters(ctx, start, end);
    if (rasters.length === 1) return { arrays: rasters[0]!.bands, mask: rasters[0]!.mask };
    const b = joined(this.bands.length, rasters);
    return { arrays: b.bands, mask: b.mask };
  }

  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    return joined(this.bands.length, await this.rasters(ctx, start, end));
  }
}

/** Rasters of one window size, one after the other, as a float64 block. */
function joined(bandCount: number, rasters: Raster[]): Block {
  const per = rasters[0]!.width * rasters[0]!.height;
  const cells = per * rasters.length;
  const bands = Array.from({ length: bandCount }, () => new Float64Array(cells));
  let mask: Uint8Array | undefined;
  rasters.forEach((r, k) => {
    r.bands.forEach((b, i) => bands[i]!.set(b as never, k * per));
    if (r.mask) {
      mask ??= new Uint8Array(cells).fill(255);
      mask.set(r.mask, k * per);
    }
  });
  return { bands, mask };
}

/** Cells from a band-wise function of operands of one shape; scalars are broadcast. */
export class InducedNode extends CovNode {
  readonly domain: Domain;
  readonly name: string;
  readonly iterated: boolean;
  constructor(
    pos: Position,
    readonly operands: Node[],
    readonly bands: BandInfo[],
    /** Band b of the result from band b of each operand (band 0 of single-band operands); n cells. */
    readonly fn: (args: Array<Float64Array | number>, n: number) => Float64Array,
    /** Operands whose band 0 is used for every result band (switch conditions). */
    readonly fixedBand: ReadonlySet<number> = new Set(),
    /** The same operation for the fused loop (fusion.ts); without it `fn` runs block by block. */
    readonly code?: CellCode,
  ) {
    super(pos);
    const first = operands.find((o): o is CovNode => o.kind === 'coverage')!;
    this.domain = first.domain;
    this.name = first.name;
    this.iterated = operands.some((o) => o.kind === 'coverage' && o.iterated);
  }
  get cost(): number {
    return this.operands.reduce((n, o) => n + o.cost, 0);
  }
  override restrict(sel: readonly AxisSelection[]): CovNode {
    return new InducedNode(this.pos, this.operands.map((o) => (o.kind === 'coverage' ? o.restrict(relativeSelection(this.domain, o.domain, sel)) : o)), this.bands, this.fn, this.fixedBand, this.code);
  }
  override regrid(grid: Grid, x: [number, number], y: [number, number], resampling: Resampling): CovNode | undefined {
    const operands: Node[] = [];
    for (const o of this.operands) {
      if (o.kind === 'scalar') operands.push(o);
      else {
        const r = o.regrid(grid, x, y, resampling);
        if (!r) return undefined;
        operands.push(r);
      }
    }
    return new InducedNode(this.pos, operands, this.bands, this.fn, this.fixedBand, this.code);
  }
  override fuse(builder: LoopBuilder, band: number): string {
    const code = this.code;
    if (!code) return super.fuse(builder, band);
    return builder.memoized(this, band, () => {
      const args = this.operands.map((o, k) => (o.kind === 'scalar' ? builder.source({ kind: 'scalar', owner: o }) : o.fuse(builder, this.fixedBand.has(k) || o.bands.length === 1 ? 0 : band)));
      return builder.operation(code, args);
    });
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    if (this.code && evaluation.fused) return (await programOf(this).run(ctx, start, end, 'float64')) as Block;
    const inputs = await Promise.all(this.operands.map((o) => (o.kind === 'coverage' ? o.block(ctx, start, end) : o.value(ctx))));
    const n = (end - start) * innerCount(this.domain);
    let mask: Uint8Array | undefined;
    for (const input of inputs) {
      if (typeof input !== 'object' || !('bands' in input) || !input.mask) continue;
      if (!mask) mask = Uint8Array.from(input.mask);
      else for (let i = 0; i < n; i++) if (input.mask[i] === 0) mask[i] = 0;
    }
    const bands = this.bands.map((_, b) =>
      this.fn(
        inputs.map((input, k) => {
          if (typeof input === 'number') return input;
          if (typeof input !== 'object' || !('bands' in input)) wcpsFail('TypeMismatch', 'a string or interval cannot be an operand of an induced operation', this.pos);
          return input.bands[this.fixedBand.has(k) || input.bands.length === 1 ? 0 : b]!;
        }),
        n,
      ),
    );
    return { bands, mask };
  }
}

/** The selection of a node, moved onto an operand of the same shape whose indices start elsewhere. */
function relativeSelection(from: Domain, to: Domain, sel: readonly AxisSelection[]): AxisSelection[] {
  return sel.map((s, i) => {
    if (!s) return undefined;
    const shift = to.axes[i]!.lo - from.axes[i]!.lo;
    return 'lo' in s ? { lo: s.lo + shift, hi: s.hi + shift } : { at: s.at + shift };
  });
}

/** Some bands of an operand, in a new order (field access). */
export class BandsNode extends CovNode {
  constructor(pos: Position, readonly operand: CovNode, readonly indexes: number[]) {
    super(pos);
  }
  get domain(): Domain {
    return this.operand.domain;
  }
  get bands(): BandInfo[] {
    return this.indexes.map((i) => this.operand.bands[i]!);
  }
  get name(): string {
    return this.operand.name;
  }
  get iterated(): boolean {
    return this.operand.iterated;
  }
  get cost(): number {
    return this.operand.cost;
  }
  override restrict(sel: readonly AxisSelection[]): CovNode {
    return new BandsNode(this.pos, this.operand.restrict(sel), this.indexes);
  }
  override regrid(grid: Grid, x: [number, number], y: [number, number], resampling: Resampling): CovNode | undefined {
    const r = this.operand.regrid(grid, x, y, resampling);
    return r && new BandsNode(this.pos, r, this.indexes);
  }
  override fuse(builder: LoopBuilder, band: number): string {
    return this.operand.fuse(builder, this.indexes[band]!);
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    const b = await this.operand.block(ctx, start, end);
    return { bands: this.indexes.map((i) => b.bands[i]!), mask: b.mask };
  }
}

/** A range constructor: one band from each single-band operand (of one shape). */
export class RangeNode extends CovNode {
  readonly domain: Domain;
  readonly name: string;
  readonly iterated: boolean;
  constructor(pos: Position, readonly operands: Node[], readonly bands: BandInfo[]) {
    super(pos);
    const first = operands.find((o): o is CovNode => o.kind === 'coverage')!;
    this.domain = first.domain;
    this.name = first.name;
    this.iterated = operands.some((o) => o.kind === 'coverage' && o.iterated);
  }
  get cost(): number {
    return this.operands.reduce((n, o) => n + o.cost, 0);
  }
  override restrict(sel: readonly AxisSelection[]): CovNode {
    return new RangeNode(this.pos, this.operands.map((o) => (o.kind === 'coverage' ? o.restrict(relativeSelection(this.domain, o.domain, sel)) : o)), this.bands);
  }
  override regrid(grid: Grid, x: [number, number], y: [number, number], resampling: Resampling): CovNode | undefined {
    const operands: Node[] = [];
    for (const o of this.operands) {
      const r = o.kind === 'scalar' ? o : o.regrid(grid, x, y, resampling);
      if (!r) return undefined;
      operands.push(r);
    }
    return new RangeNode(this.pos, operands, this.bands);
  }
  override fuse(builder: LoopBuilder, band: number): string {
    const o = this.operands[band]!;
    return o.kind === 'scalar' ? builder.source({ kind: 'scalar', owner: o }) : o.fuse(builder, 0);
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    if (evaluation.fused) return (await programOf(this).run(ctx, start, end, 'float64')) as Block;
    const n = (end - start) * innerCount(this.domain);
    const inputs = await Promise.all(this.operands.map((o) => (o.kind === 'coverage' ? o.block(ctx, start, end) : o.value(ctx))));
    let mask: Uint8Array | undefined;
    const bands = inputs.map((input) => {
      if (typeof input === 'number') return new Float64Array(n).fill(input);
      const block = input as Block;
      if (block.mask) {
        if (!mask) mask = Uint8Array.from(block.mask);
        else for (let i = 0; i < n; i++) if (block.mask[i] === 0) mask[i] = 0;
      }
      return block.bands[0]!;
    });
    return { bands, mask };
  }
}

/** A coverage whose cells hold their index on one axis: a constructor or condenser iterator. */
export class IndexNode extends CovNode {
  readonly iterated = true;
  readonly bands: BandInfo[];
  readonly cost = 0;
  constructor(pos: Position, readonly domain: Domain, readonly axis: number, readonly name: string) {
    super(pos);
    this.bands = [{ name: domain.axes[axis]!.label, type: 'long' }];
  }
  async block(_ctx: EvalContext, start: number, end: number): Promise<Block> {
    const d = this.domain;
    const n = (end - start) * innerCount(d);
    const out = new Float64Array(n);
    const stride = d.axes.slice(this.axis + 1).reduce((s, a) => s * axisSize(a), 1);
    const size = axisSize(d.axes[this.axis]!);
    const lo = d.axes[this.axis]!.lo;
    const offset = this.axis === 0 ? start * stride : 0;
    for (let i = 0; i < n; i++) out[i] = lo + (Math.floor((i + offset) / stride) % (this.axis === 0 ? Infinity : size));
    return { bands: [out] };
  }
}

/** A scalar broadcast over a domain (a constructor whose values do not depend on the iterators). */
export class ConstNode extends CovNode {
  readonly iterated = true;
  readonly cost: number;
  constructor(pos: Position, readonly domain: Domain, readonly value: ScalarNode, readonly bands: BandInfo[], readonly name: string) {
    super(pos);
    this.cost = value.cost;
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    const v = await this.value.value(ctx);
    return { bands: [new Float64Array((end - start) * innerCount(this.domain)).fill(Number(v))] };
  }
}

/** Cells computed whole by a function (the iteration of a constructor or condenser that reads per iteration). */
export class WholeNode extends CovNode {
  readonly iterated = false;
  constructor(pos: Position, readonly domain: Domain, readonly bands: BandInfo[], readonly name: string, readonly cost: number, private readonly compute: (ctx: EvalContext) => Promise<Block>) {
    super(pos);
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    const whole = await wholeOf(ctx, this, () => this.compute(ctx));
    return sliceBlock(whole, start * innerCount(this.domain), end * innerCount(this.domain));
  }
}

function sliceBlock(b: Block, from: number, to: number): Block {
  return { bands: b.bands.map((x) => x.subarray(from, to)), mask: b.mask?.subarray(from, to) };
}

function wholeOf(ctx: EvalContext, key: object, compute: () => Promise<Block>): Promise<Block> {
  let found = ctx.whole.get(key);
  if (!found) {
    found = compute();
    ctx.whole.set(key, found);
  }
  return found;
}

/**
 * A node's cells as one fused loop (fusion.ts): the leaves (reads, scalars, nodes that compute
 * their own blocks) are fetched for the block, then every result band is computed cell by cell
 * into arrays of the type asked for. Nulls are the union of the leaves' nulls, as induced
 * operations and range constructors give them.
 */
export class FusedProgram {
  private readonly kernel: Kernel;
  private readonly sources: Source[];
  private readonly body: string;
  constructor(private readonly node: CovNode) {
    const builder = new LoopBuilder();
    const outputs = node.bands.map((_, b) => node.fuse(builder, b));
    this.sources = mergeReads(builder.sources);
    this.kernel = builder.compile(outputs);
    this.body = builder.body(outputs);
  }

  /**
   * Whether the engine's workers can run this loop (computeRows): every array it reads is a
   * band of an engine read (the other operands are scalars), and the node is a y, x grid, so a
   * block is one window of each read.
   */
  get remotable(): boolean {
    const axes = this.node.domain.axes;
    return axes.length === 2 && axes[0]!.role === 'y' && axes[1]!.role === 'x' && this.sources.every((s) => (s.kind === 'scalar' ? (s.owner as Node).kind === 'scalar' : s.owner instanceof ReadNode));
  }

  /**
   * The reads and kernel of cells [start, end) for computeRows (remotable programs); scalars are
   * evaluated here, once for all blocks when `values` is kept across calls (no iterator is bound
   * around an encode, so they do not change from block to block).
   */
  async remote(ctx: EvalContext, start: number, end: number, values = new Map<object, Promise<number>>()): Promise<{ reads: ReadRequest[]; kernel: RowKernel }> {
    const reads: ReadRequest[] = [];
    const readIndex = new Map<ReadNode, number>();
    const arrays: RowKernel['arrays'] = [];
    const scalars: number[] = [];
    for (const s of this.sources) {
      if (s.kind === 'scalar' || !(s.owner instanceof ReadNode)) {
        let v = values.get(s.owner);
        if (!v) values.set(s.owner, (v = (s.owner as ScalarNode).value(ctx).then((x) => scalarNumber(x, this.node.pos))));
        arrays.push(null);
        scalars.push(await v);
        continue;
      }
      let k = readIndex.get(s.owner);
      if (k === undefined) {
        const r = s.owner.requests(start, end);
        if (r.length !== 1) throw new Error('a remotable read is one window per block');
        k = reads.push(r[0]!) - 1;
        readIndex.set(s.owner, k);
      }
      arrays.push({ read: k, band: s.band });
      scalars.push(0);
    }
    return { reads, kernel: { body: this.body, arrays, scalars } };
  }
  /** `reuse`: arrays of a finished block (at least as long as this one) to store into instead of new ones. */
  async run(ctx: EvalContext, start: number, end: number, type: CellType | 'float64', reuse?: SampleArray[]): Promise<{ bands: SampleArray[]; mask?: Uint8Array }> {
    const owners = [...new Set(this.sources.map((s) => s.owner))];
    const fetched = new Map<object, { arrays: ArrayLike<number>[]; mask?: Uint8Array } | number>();
    await Promise.all(
      owners.map(async (owner) => {
        const n = owner as Node;
        fetched.set(owner, n.kind === 'scalar' ? scalarNumber(await n.value(ctx), this.node.pos) : await n.leaf(ctx, start, end));
      }),
    );
    const n = (end - start) * innerCount(this.node.domain);
    const arrays: ArrayLike<number>[] = [];
    const scalars: number[] = [];
    for (const s of this.sources) {
      const f = fetched.get(s.owner)!;
      if (typeof f === 'number') {
        scalars.push(f);
        arrays.push([]);
      } else {
        arrays.push(f.arrays[s.kind === 'array' ? s.band : 0]!);
        scalars.push(0);
      }
    }
    const outputs = reuse && reuse.length === this.node.bands.length && reuse.every((a) => a.length >= n) ? reuse : outputArrays(type, this.node.bands.length, n);
    this.kernel(n, arrays, scalars, outputs);
    const masks: Uint8Array[] = [];
    for (const f of fetched.values()) if (typeof f !== 'number' && f.mask) masks.push(f.mask);
    return { bands: outputs, mask: combineMasks(masks, n) };
  }
}

/** The union of the leaves' nulls; masks without a null (the engine sends them for every read) are dropped. */
/**
 * Reads of the same window of one coverage by several leaves ($c.nir - $c.red) become one read
 * of all their bands: one warp and one mask instead of one per band. Only without nodata: with
 * it, the engine masks a pixel where every band read is nodata, which depends on the bands.
 */
function mergeReads(sources: Source[]): Source[] {
  const groups = new Map<string, ReadNode[]>();
  for (const s of sources) {
    if (s.kind !== 'array' || !(s.owner instanceof ReadNode) || s.owner.bands.some((b) => b.nodata !== undefined)) continue;
    const r = s.owner;
    const key = JSON.stringify([r.coverage, r.resampling, r.maxWidth, r.domain]);
    const group = groups.get(key) ?? [];
    if (!group.includes(r)) group.push(r);
    groups.set(key, group);
  }
  const moved = new Map<ReadNode, { read: ReadNode; bands: number[] }>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const indexes: number[] = [];
    const infos: BandInfo[] = [];
    const place = group.map((r) =>
      r.bandIndexes.map((index, b) => {
        let at = indexes.indexOf(index);
        if (at === -1) {
          at = indexes.push(index) - 1;
          infos.push(r.bands[b]!);
        }
        return at;
      }),
    );
    const first = group[0]!;
    const read = new ReadNode(first.pos, first.coverage, first.domain, infos, indexes, first.resampling, first.maxWidth);
    group.forEach((r, k) => moved.set(r, { read, bands: place[k]! }));
  }
  return sources.map((s) => {
    const m = s.kind === 'array' && s.owner instanceof ReadNode ? moved.get(s.owner) : undefined;
    return m && s.kind === 'array' ? { kind: 'array', owner: m.read, band: m.bands[s.band]! } : s;
  });
}

function combineMasks(masks: Uint8Array[], n: number): Uint8Array | undefined {
  const holed = masks.filter((m) => m.indexOf(0) !== -1);
  if (holed.length <= 1) return holed[0];
  const out = Uint8Array.from(holed[0]!);
  for (const m of holed.slice(1)) for (let i = 0; i < n; i++) if (m[i] === 0) out[i] = 0;
  return out;
}

const programs = new WeakMap<CovNode, FusedProgram>();
export function programOf(node: CovNode): FusedProgram {
  let p = programs.get(node);
  if (!p) programs.set(node, (p = new FusedProgram(node)));
  return p;
}

/** Cells [start, end) of the outermost axis in arrays of a cell type (encode), computed in one loop where the node allows. */
export interface TypedBlock {
  bands: SampleArray[];
  mask?: Uint8Array;
}
export async function typedBlock(ctx: EvalContext, node: CovNode, start: number, end: number, type: CellType, reuse?: SampleArray[]): Promise<TypedBlock> {
  if (evaluation.fused) return programOf(node).run(ctx, start, end, type, reuse);
  const b = await node.block(ctx, start, end);
  return {
    bands: b.bands.map((x) => {
      const out = outputArrays(type, 1, x.length)[0]!;
      out.set(x as never);
      return out;
    }),
    mask: b.mask,
  };
}

/** All cells of a node, block by block (for nodes that need their operand whole). */
export async function materialize(ctx: EvalContext, node: CovNode): Promise<Block> {
  const total = cellCount(node.domain);
  const bands = node.bands.map(() => new Float64Array(total));
  let mask: Uint8Array | undefined;
  const inner = innerCount(node.domain);
  await forEachBlock(ctx, node, (b, start) => {
    b.bands.forEach((x, i) => bands[i]!.set(x, start * inner));
    if (b.mask) {
      mask ??= new Uint8Array(total).fill(255);
      mask.set(b.mask, start * inner);
    }
  });
  return { bands, mask };
}

/**
 * Runs through a node's blocks in order with one block read ahead, so the engine's workers read
 * the next block while this thread computes the current one. Stops when the query is aborted.
 */
export async function forEachBlock<B = Block>(
  ctx: EvalContext,
  node: CovNode,
  fn: (b: B, start: number, end: number) => void | Promise<void>,
  produce: (start: number, end: number) => Promise<B> = (start, end) => node.block(ctx, start, end) as Promise<B>,
): Promise<void> {
  const n = outerCount(node.domain);
  const inner = innerCount(node.domain);
  const step = Math.max(1, Math.floor(ctx.blockCells / Math.max(1, inner)));
  const starts: number[] = [];
  for (let s = 0; s < n; s += step) starts.push(s);
  const AHEAD = 2;
  const pending: Array<Promise<B>> = [];
  const launch = (k: number) => {
    const p = produce(starts[k]!, Math.min(n, starts[k]! + step));
    p.catch(() => undefined);
    pending[k] = p;
  };
  for (let k = 0; k < Math.min(AHEAD, starts.length); k++) launch(k);
  for (let k = 0; k < starts.length; k++) {
    ctx.signal.throwIfAborted();
    const b = await pending[k]!;
    delete pending[k];
    if (k + AHEAD < starts.length) launch(k + AHEAD);
    await fn(b, starts[k]!, Math.min(n, starts[k]! + step));
  }
}

/**
 * Cells of an operand picked by index: a subset or extension of a node that cannot pass them
 * to its reads, or a nearest-neighbour scaling. The operand is held whole; cells outside it are null.
 */
export class GatherNode extends CovNode {
  readonly domain: Domain;
  /** For each operand axis: a fixed index, or the result axis it follows and how. */
  private readonly maps: Array<{ fixed: number } | { axis: number; index: (j: number) => number }>;
  constructor(readonly operand: CovNode, domain: Domain, sel?: readonly AxisSelection[], scaled?: Array<(j: number) => number>) {
    super(operand.pos);
    this.domain = domain;
    let next = 0;
    this.maps = operand.domain.axes.map((_, i) => {
      const s = sel?.[i];
      if (s && 'at' in s) return { fixed: s.at };
      const axis = next++;
      return { axis, index: scaled?.[i] ?? ((j: number) => j) };
    });
  }
  get bands(): BandInfo[] {
    return this.operand.bands;
  }
  get name(): string {
    return this.operand.name;
  }
  get iterated(): boolean {
    return this.operand.iterated;
  }
  get cost(): number {
    return this.operand.cost + cellCount(this.operand.domain) * this.operand.bands.length;
  }
  async block(ctx: EvalContext, start: number, end: number): Promise<Block> {
    const whole = await wholeOf(ctx, this.operand, () => materialize(ctx, this.operand));
    const src = this.operand.domain.axes;
    const strides = src.map((_, i) => src.slice(i + 1).reduce((s, a) => s * axisSize(a), 1));
    let base = 0;
    let outside = false;
    const tables: Int32Array[] = this.domain.axes.map(() => new Int32Array(0));
    this.maps.forEach((m, i) => {
      const a = src[i]!;
      if ('fixed' in m) {
        if (m.fixed < a.lo || m.fixed > a.hi) outside = true;
        base += (m.fixed - a.lo) * strides[i]!;
        return;
      }
      const target = this.domain.axes[m.axis]!;
      const table = new Int32Array(axisSize(target));
      for (let j = 0; j < table.length; j++) {
        const k = m.index(target.lo + j);
        table[j] = k < a.lo || k > a.hi ? -1 : (k - a.lo) * strides[i]!;
      }
      tables[m.axis] = table;
    });
    const d = this.domain.axes;
    const inner = innerCount(this.domain);
    const n = (end - start) * inner;
    const bands = this.bands.map(() => new Float64Array(n));
    const mask = new Uint8Array(n);
    const counters = d.map((_, i) => (i === 0 ? start : 0));
    for (let c = 0; c < n; c++) {
      let offset = base;
      let valid = !outside;
      for (let k = 0; k < d.length && valid; k++) {
        const v = tables[k]![counters[k]!]!;
        if (v < 0) valid = false;
        else offset += v;
      }
      if (valid && (!whole.mask || whole.mask[offset] !== 0)) {
        mask[c] = 255;
        for (let b = 0; b < bands.length; b++) bands[b]![c] = whole.bands[b]![offset]!;
      }
      for (let k = d.length - 1; k >= 0; k--) {
        counters[k]!++;
        if (counters[k]! < axisSize(d[k]!) || k === 0) break;
        counters[k] = 0;
      }
    }
    return { bands, mask };
  }
}
