/**
 * encode(): a coverage value as GeoTIFF (our own writer, georeferenced from its grid), PNG or
 * JPEG (sharp), CSV or JSON; a scalar as text. Cells are filled block by block straight into
 * arrays of the result's cell type, so the only whole copy held is the result itself.
 */
import sharp from 'sharp';
import type { ComputedRows, EncodedOutput, Grid, Raster, SampleArray } from '../coverages/types.js';
import { encodeGeoTiffAsync, GeoTiffRowEncoder } from '../coverages/encode/index.js';
import { coverageOutputOptions } from '../coverages/encode/output-defaults.js';
import { allocate, isFloat, sampleTypeOf, unify, type CellType } from './cell-types.js';
import { axisSize, cellCount, innerCount, outerCount, spatialRanges, windowGrid } from './domain.js';
import { wcpsFail, type Position } from './errors.js';
import { evaluation } from './fusion.js';
import { forEachBlock, programOf, typedBlock, type CovNode, type TypedBlock, type EvalContext, type ScalarType, type ScalarValue } from './nodes.js';

export type Format = 'tiff' | 'png' | 'jpeg' | 'csv' | 'json';

const FORMATS: Record<string, Format> = {
  'image/tiff': 'tiff',
  'image/geotiff': 'tiff',
  tiff: 'tiff',
  gtiff: 'tiff',
  geotiff: 'tiff',
  'image/png': 'png',
  png: 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  jpeg: 'jpeg',
  jpg: 'jpeg',
  'text/csv': 'csv',
  csv: 'csv',
  'application/json': 'json',
  json: 'json',
};

export const CONTENT_TYPES: Record<Format, string> = {
  tiff: 'image/tiff',
  png: 'image/png',
  jpeg: 'image/jpeg',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};

export function formatOf(name: string, pos: Position): Format {
  const f = FORMATS[name.trim().toLowerCase()];
  if (!f) wcpsFail('InvalidEncoding', `'${name}' is not a format this service encodes; formats are image/tiff, image/png, image/jpeg, text/csv and application/json`, pos);
  return f;
}

export interface EncodeOptions {
  compression?: 'none' | 'deflate' | 'lzw' | 'packbits';
  predictor?: 'none' | 'horizontal' | 'floatingpoint';
  tiled?: boolean;
  cog?: boolean;
  nodata?: number;
  quality?: number;
}

/** Options as JSON (`{"nodata": [0], "compression": "lzw"}`) or `key=value` pairs separated by ';' or ','. */
export function parseOptions(text: string | undefined, pos: Position): EncodeOptions {
  if (text === undefined || text.trim() === '') return {};
  let raw: Record<string, unknown>;
  if (text.trim().startsWith('{')) {
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch {
      wcpsFail('InvalidEncodingOption', 'the encode options are not valid JSON', pos);
    }
  } else {
    raw = {};
    for (const pair of text.split(/[;,]/)) {
      if (pair.trim() === '') continue;
      const eq = pair.indexOf('=');
      if (eq === -1) wcpsFail('InvalidEncodingOption', `encode option '${pair.trim()}' is not key=value`, pos);
      raw[pair.slice(0, eq).trim().toLowerCase()] = pair.slice(eq + 1).trim();
    }
  }
  const out: EncodeOptions = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = Array.isArray(value) ? value[0] : value;
    switch (key.toLowerCase()) {
      case 'compression':
      case 'compress': {
        const c = String(v).toLowerCase();
        if (!['none', 'deflate', 'lzw', 'packbits'].includes(c)) wcpsFail('InvalidEncodingOption', `compression '${String(v)}' is not none, deflate, lzw or packbits`, pos);
        out.compression = c as EncodeOptions['compression'];
        break;
      }
      case 'predictor': {
        const p = String(v).toLowerCase();
        if (!['none', 'horizontal', 'floatingpoint'].includes(p)) wcpsFail('InvalidEncodingOption', `predictor '${String(v)}' is not none, horizontal or floatingpoint`, pos);
        out.predictor = p as EncodeOptions['predictor'];
        break;
      }
      case 'tiled':
      case 'cog':
        out[key.toLowerCase() as 'tiled' | 'cog'] = v === true || String(v).toLowerCase() === 'true' || String(v).toLowerCase() === 'yes';
        break;
      case 'nodata': {
        const n = Number(v);
        if (!Number.isFinite(n) && String(v).toLowerCase() !== 'nan') wcpsFail('InvalidEncodingOption', `nodata '${String(v)}' is not a number`, pos);
        out.nodata = n;
        break;
      }
      case 'quality': {
        const q = Number(v);
        if (!Number.isInteger(q) || q < 1 || q > 100) wcpsFail('InvalidEncodingOption', 'quality is a whole number from 1 to 100', pos);
        out.quality = q;
        break;
      }
      default:
        wcpsFail('InvalidEncodingOption', `'${key}' is not an encode option; options are compression, predictor, tiled, cog, nodata and quality`, pos);
    }
  }
  return out;
}

export function formatScalar(value: ScalarValue, type: ScalarType): string {
  if (typeof value === 'object') return `${value.lo}:${value.hi}`;
  if (typeof value === 'string') return value;
  if (type === 'boolean') return value !== 0 ? 'true' : 'false';
  if (type === 'float' && Number.isFinite(value)) return String(Number(Math.fround(value).toPrecision(9)));
  return String(value);
}

export function encodeScalar(value: ScalarValue, type: ScalarType, format: Format | undefined, pos: Position): EncodedOutput {
  const text = formatScalar(value, type);
  if (!format) return { body: Buffer.from(text), contentType: 'text/plain; charset=utf-8' };
  if (format === 'csv') return { body: Buffer.from(text), contentType: CONTENT_TYPES.csv };
  if (format === 'json') return { body: Buffer.from(typeof value === 'number' ? (Number.isFinite(value) ? (type === 'boolean' ? String(value !== 0) : String(value)) : 'null') : JSON.stringify(text)), contentType: CONTENT_TYPES.json };
  wcpsFail('InvalidEncoding', `a single value cannot be encoded as ${CONTENT_TYPES[format]}; use text/csv or application/json, or no encode`, pos);
}

interface Filled {
  bands: SampleArray[];
  mask?: Uint8Array;
}

async function fill(ctx: EvalContext, node: CovNode, type: CellType): Promise<Filled> {
  const total = cellCount(node.domain);
  const bands = node.bands.map(() => allocate(type, total));
  let mask: Uint8Array | undefined;
  const inner = innerCount(node.domain);
  await forEachBlock<TypedBlock>(
    ctx,
    node,
    (b, start) => {
      b.bands.forEach((x, i) => bands[i]!.set(x as never, start * inner));
      if (b.mask) {
        mask ??= new Uint8Array(total).fill(255);
        mask.set(b.mask, start * inner);
      }
    },
    (start, end) => typedBlock(ctx, node, start, end, type),
  );
  return { bands, mask };
}

/** The type all bands are written in (one sample type per file): the widest of them. */
function commonType(node: CovNode): CellType {
  const types = node.bands.map((b) => b.type);
  return types.reduce((a, b) => unify(a, b));
}

function representable(value: number | undefined, type: CellType): number | undefined {
  if (value === undefined) return undefined;
  const a = allocate(type, 1);
  a[0] = value;
  return a[0] === value || (Number.isNaN(value) && isFloat(type)) ? value : undefined;
}

/**
 * A 2-D result as a GeoTIFF written block by block (GeoTiffRowEncoder): null cells get the
 * nodata value, or NaN when there is none (float results), and the file then says NaN is nodata.
 */
async function streamGeoTiff(ctx: EvalContext, node: CovNode, stored: CellType, grid: Grid, options: EncodeOptions, nodata: number | undefined): Promise<Buffer> {
  const sampleType = sampleTypeOf(stored);
  const geotiff = coverageOutputOptions({ compression: options.compression, predictor: options.predictor, tiled: options.tiled }, sampleType);
  // Blocks are cut, predicted and deflated on the engine's worker pool, their rows moved there.
  const encoder = new GeoTiffRowEncoder(grid, sampleType, node.bands.length, { ...geotiff, bandNames: node.bands.map((b) => b.name), nodata }, (chunk) => ctx.coverages.encodeRows(chunk));
  let holes = false;
  // Blocks of whole rows of tiles, about half the usual size: fewer cells in flight, no copies.
  const chunk = encoder.chunkRows;
  const rows = chunk * Math.max(1, Math.floor(ctx.blockCells / 2 / grid.width / chunk));
  const program = evaluation.fused && evaluation.remote ? programOf(node) : undefined;
  if (program?.remotable) {
    // Band math over reads (NDVI): each block is read, computed and encoded by one task on the
    // engine's workers, several blocks at a time; this thread only gathers the compressed tiles.
    const height = outerCount(node.domain);
    const starts: number[] = [];
    for (let s = 0; s < height; s += rows) starts.push(s);
    const ahead = 4;
    const tasks: Array<Promise<ComputedRows> | undefined> = [];
    // Scalar operands (avg($c.nir)) once for all blocks.
    const scalars = new Map<object, Promise<number>>();
    const launch = (k: number) => {
      const start = starts[k]!;
      const end = Math.min(height, start + rows);
      const task = program.remote(ctx, start, end, scalars).then(({ reads, kernel }) =>
        ctx.coverages.computeRows({ reads, kernel, output: { sampleType, bands: node.bands.length, fill: nodata ?? NaN }, chunk: encoder.chunkSpec(end - start) }, ctx.subject),
      );
      task.catch(() => undefined); // awaited in turn; a task left behind by an abort must not be unhandled
      tasks[k] = task;
    };
    for (let k = 0; k < Math.min(ahead, starts.length); k++) launch(k);
    for (let k = 0; k < starts.length; k++) {
      ctx.signal.throwIfAborted();
      const computed = await tasks[k]!;
      tasks[k] = undefined;
      holes ||= computed.holes;
      if (k + ahead < starts.length) launch(k + ahead);
      await encoder.writeEncoded(Math.min(height, starts[k]! + rows) - starts[k]!, Promise.resolve(computed.blocks));
    }
    return encoder.finish(nodata === undefined && holes ? NaN : undefined);
  }
  const blockCtx: EvalContext = { ...ctx, blockCells: rows * grid.width };
  // When the encoder has copied a block's cells as write() returns, its arrays take a later
  // block; when it moved them to the pool, every block has arrays of its own.
  const free: SampleArray[][] = [];
  await forEachBlock<TypedBlock>(
    blockCtx,
    node,
    async (b, start, end) => {
      const mask = b.mask;
      if (mask) {
        const fillValue = nodata ?? NaN;
        for (const band of b.bands) for (let i = 0; i < mask.length; i++) if (mask[i] === 0) band[i] = fillValue;
        holes ||= mask.includes(0);
      }
      await encoder.write(b.bands, end - start);
      if (!encoder.takesRows) free.push(b.bands);
    },
    (start, end) => typedBlock(ctx, node, start, end, stored, free.pop()),
  );
  return encoder.finish(nodata === undefined && holes ? NaN : undefined);
}

export async function encodeCoverage(ctx: EvalContext, node: CovNode, format: Format, options: EncodeOptions, pos: Position): Promise<EncodedOutput> {
  const d = node.domain;
  const type = commonType(node);
  const dims = d.axes.length;
  const name = node.name;
  if (format === 'tiff') {
    if (!d.grid || dims !== 2 || d.axes[0]!.role !== 'y' || d.axes[1]!.role !== 'x') {
      wcpsFail('InvalidEncoding', `image/tiff holds a georeferenced 2-D coverage (y, x axes); this one has ${dims === 0 ? 'no axes' : d.axes.map((a) => a.label).join(', ')}${d.grid ? '' : ' and no CRS'}`, pos);
    }
    const r = spatialRanges(d)!;
    const width = r.x[1] - r.x[0] + 1;
    const height = r.y[1] - r.y[0] + 1;
    const grid = windowGrid(d.grid, r.x[0], r.y[0], width, height);
    const stored: CellType = type === 'boolean' ? 'unsigned char' : type;
    let nodata = options.nodata ?? representable(node.bands[0]!.nodata, stored);
    // Row by row when masked cells can be written as a value (nodata, or NaN for floats): only
    // the compressed tiles are held. Otherwise (an internal mask, a COG's overviews) whole.
    if (evaluation.streamed && !options.cog && (nodata !== undefined || isFloat(stored))) {
      const body = await streamGeoTiff(ctx, node, stored, grid, options, nodata);
      return { body, contentType: CONTENT_TYPES.tiff, filename: `${name}.tif` };
    }
    const filled = await fill(ctx, node, stored);
    if (nodata === undefined && filled.mask && filled.mask.includes(0) && isFloat(stored)) nodata = NaN;
    const raster: Raster = { width, height, sampleType: sampleTypeOf(stored), bands: filled.bands, mask: filled.mask, nodata };
    const geotiff = coverageOutputOptions({ compression: options.compression, predictor: options.predictor, tiled: options.tiled, cog: options.cog }, raster.sampleType);
    const body = await encodeGeoTiffAsync(raster, grid, { ...geotiff, bandNames: node.bands.map((b) => b.name), nodata });
    return { body, contentType: CONTENT_TYPES.tiff, filename: `${name}.tif` };
  }
  if (format === 'png' || format === 'jpeg') {
    if (dims !== 2) wcpsFail('InvalidEncoding', `${CONTENT_TYPES[format]} holds a 2-D coverage; this one has ${dims} axes`, pos);
    if (type !== 'unsigned char' && type !== 'boolean') wcpsFail('InvalidEncoding', `${CONTENT_TYPES[format]} holds unsigned char cells; cast the result with (unsigned char), it is ${type}`, pos);
    const channels = node.bands.length;
    if (format === 'png' ? channels > 4 : channels !== 1 && channels !== 3) wcpsFail('InvalidEncoding', `${CONTENT_TYPES[format]} holds ${format === 'png' ? '1 to 4' : '1 or 3'} bands; the result has ${channels}`, pos);
    const filled = await fill(ctx, node, 'unsigned char');
    const height = axisSize(d.axes[0]!);
    const width = axisSize(d.axes[1]!);
    const pixels = Buffer.alloc(width * height * channels);
    for (let b = 0; b < channels; b++) {
      const band = filled.bands[b]!;
      for (let i = 0; i < width * height; i++) pixels[i * channels + b] = filled.mask && filled.mask[i] === 0 ? 0 : band[i]!;
    }
    let image = sharp(pixels, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
    // Grey stays grey (sharp would write three channels).
    if (channels <= 2) image = image.toColourspace('b-w');
    const body = format === 'png' ? await image.png({ compressionLevel: 6 }).toBuffer() : await image.jpeg({ quality: options.quality ?? 90 }).toBuffer();
    return { body, contentType: CONTENT_TYPES[format], filename: `${name}.${format === 'png' ? 'png' : 'jpg'}` };
  }
  const filled = await fill(ctx, node, type);
  const total = cellCount(d);
  const cell = (i: number): string | null => {
    if (filled.mask && filled.mask[i] === 0) return null;
    const parts = filled.bands.map((b) => formatScalar(b[i]!, type));
    return parts.length === 1 ? parts[0]! : parts.join(' ');
  };
  if (format === 'csv') {
    // Rows along the innermost axis; a blank line between the 2-D slices of a 3-D result.
    const rowLength = dims === 0 ? 1 : axisSize(d.axes[dims - 1]!);
    const slice = dims >= 2 ? rowLength * axisSize(d.axes[dims - 2]!) : total;
    const lines: string[] = [];
    for (let start = 0; start < total; start += rowLength) {
      if (start > 0 && start % slice === 0) lines.push('');
      const row: string[] = [];
      for (let i = start; i < start + rowLength; i++) row.push(cell(i) ?? '');
      lines.push(row.join(','));
    }
    return { body: Buffer.from(lines.join('\n') + '\n'), contentType: CONTENT_TYPES.csv, filename: `${name}.csv` };
  }
  const value = (i: number): unknown => {
    if (filled.mask && filled.mask[i] === 0) return null;
    const vs = filled.bands.map((b) => {
      const v = b[i]!;
      return type === 'boolean' ? v !== 0 : Number.isFinite(v) ? v : null;
    });
    return vs.length === 1 ? vs[0] : vs;
  };
  const nest = (axis: number, offset: number): unknown => {
    if (axis === dims) return value(offset);
    const size = axisSize(d.axes[axis]!);
    const stride = d.axes.slice(axis + 1).reduce((s, a) => s * axisSize(a), 1);
    return Array.from({ length: size }, (_, k) => nest(axis + 1, offset + k * stride));
  };
  return { body: Buffer.from(JSON.stringify(nest(0, 0))), contentType: CONTENT_TYPES.json, filename: `${name}.json` };
}
