/**
 * A worker thread of the coverages pool: opens sources (cached per worker, with a bounded cache
 * of decoded tiles), warps, renders and encodes. Plans (and rows to encode, moved here) come in;
 * encoded bytes, rasters or compressed GeoTIFF blocks go out. computeRows runs a caller's
 * cell-by-cell kernel between a read and the encoding (RowKernel).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { Piscina } from 'piscina';
import sharp from 'sharp';
import { encodeGeoTiffAsyncChunks } from '../encode/index.js';
import { encodeRowChunk } from '../encode/geotiff-rows.js';
import { coverageOutputOptions } from '../encode/output-defaults.js';
import type { RasterSource } from '../raster-source.js';
import { composeOver, computeStatistics, encodeImage, legendImage, renderRgba } from '../render/index.js';
import { TileCache, fileRangeReader, functionRangeReader, httpRangeReader, openTiff } from '../tiff/index.js';
import { CoverageError } from '../errors.js';
import type { ComputedRows, Grid, Raster, SampleArray, SampleType } from '../types.js';
import { allocateSamples } from '../warp/samples.js';
import { scratchBuffers, type BufferPool } from '../buffer-pool.js';
import { warp } from '../warp/index.js';
import type { LayerPlan, StyledLayerPlan, RangeAnswer, RangeAsk, SourceInfo, SourceRef, WorkerReply, WorkerTask, WorkerValue, WrittenOutput } from './tasks.js';

const options = (workerData ?? {}) as { tileCacheBytes?: number };
// Raw inputs gain nothing from sharp's operation cache; it would only hold memory.
sharp.cache(false);
const tileCache = new TileCache({ maxBytes: options.tileCacheBytes ?? 128 * 1024 * 1024 });
// Open sources hold a file handle or connection: an evicted one is closed.
const opened = new LRUCache<string, Promise<RasterSource>>({
  max: 256,
  dispose: (source) => void source.then((s) => (s as RasterSource & { close?: () => Promise<void> }).close?.()).catch(() => undefined),
});

// Blob sources read their ranges through any live task port: every port leads to the same
// main-thread reader, and a source opened under one task is reused by the next.
const livePorts = new Set<MessagePort>();
let askCounter = 0;
const pendingAsks = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();

function attachPort(port: MessagePort): void {
  livePorts.add(port);
  port.on('message', (answer: RangeAnswer) => {
    const pending = pendingAsks.get(answer.ask);
    if (!pending) return;
    pendingAsks.delete(answer.ask);
    if ('error' in answer) pending.reject(new Error(answer.error));
    else pending.resolve(answer.bytes);
  });
}

function detachPort(port: MessagePort): void {
  livePorts.delete(port);
  port.close();
}

function askRange(key: string, offset: number, length: number): Promise<Uint8Array> {
  const port = livePorts.values().next().value as MessagePort | undefined;
  if (!port) return Promise.reject(new Error('no channel to the blob store'));
  const ask = ++askCounter;
  return new Promise((resolve, reject) => {
    pendingAsks.set(ask, { resolve, reject });
    port.postMessage({ ask, key, offset, length } satisfies RangeAsk);
  });
}

function openSource(ref: SourceRef): Promise<RasterSource> {
  let source = opened.get(ref.id);
  if (!source) {
    const reader =
      ref.kind === 'file'
        ? fileRangeReader(ref.path)
        : ref.kind === 'http'
          ? httpRangeReader(ref.url)
          : functionRangeReader(ref.id, ref.size, (offset, length) => askRange(ref.key, offset, length));
    source = openTiff(reader, { cache: tileCache, id: ref.id });
    opened.set(ref.id, source);
    // A failed open is not cached: the next request tries again.
    source.catch(() => opened.delete(ref.id));
  }
  return source;
}

async function readLayer(layer: LayerPlan, target: Grid, sampleType: Raster['sampleType'], pool?: BufferPool): Promise<Raster> {
  const sources = await Promise.all(layer.sources.map(openSource));
  return warp(sources, target, { bands: layer.bands, resampling: layer.resampling, sampleType, nodata: layer.nodata, pool });
}

/**
 * An encoded output: written into the main thread's shared buffer when one is given and it
 * fits (the reply is only its length), else as one buffer of its own (moved to the main thread).
 */
function written(into: SharedArrayBuffer | undefined, chunks: Uint8Array[], length: number): WrittenOutput | Uint8Array {
  if (into && length <= into.byteLength) {
    const target = new Uint8Array(into, 0, length);
    let at = 0;
    for (const chunk of chunks) {
      target.set(chunk, at);
      at += chunk.length;
    }
    return { written: length };
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

/** Gives back to the thread's pool the buffers of arrays that came from it (others are ignored). */
function release(arrays: Array<ArrayBufferView | undefined>): void {
  for (const a of arrays) if (a) scratchBuffers.give(a.buffer as ArrayBuffer);
}

/** The grid grown by `margin` pixels on every side (hillshade needs its neighbours at the edges). */
function withMargin(grid: Grid, margin: number): Grid {
  if (margin === 0) return grid;
  const t = grid.transform;
  return {
    ...grid,
    width: grid.width + 2 * margin,
    height: grid.height + 2 * margin,
    transform: [t[0] - margin * (t[1] + t[2]), t[1], t[2], t[3] - margin * (t[4] + t[5]), t[4], t[5]],
  };
}

/** Reads a styled layer and renders it to RGBA on the target grid. */
async function renderLayer(layer: StyledLayerPlan, target: Grid): Promise<Uint8ClampedArray> {
  // No granule the subject may read here: nothing to draw (and no statistics to stretch by).
  if (layer.sources.length === 0) return new Uint8ClampedArray(target.width * target.height * 4);
  const margin = layer.style.type === 'hillshade' ? 1 : 0;
  const sampleType = layer.bandDescriptions[0]?.sampleType ?? 'float32';
  // The raster and the RGBA live only until rendered and encoded: both in pooled buffers.
  const raster = await readLayer(layer, withMargin(target, margin), sampleType, scratchBuffers);
  try {
    return renderRgba(raster, layer.style, { stats: layer.stats, pixelSize: layer.pixelSize, margin, pool: scratchBuffers });
  } finally {
    release([...raster.bands, raster.mask]);
  }
}

function describe(source: RasterSource): SourceInfo {
  return {
    crs: source.crs,
    width: source.width,
    height: source.height,
    transform: source.transform,
    levels: source.levels.map((l) => ({ width: l.width, height: l.height, transform: l.transform })),
    bands: source.bands,
    sampleType: source.sampleType,
    nodata: source.nodata,
  };
}

/**
 * Statistics from a small read: the whole image at most 512 pixels on a side through the
 * overviews; a file whose coarsest level is still large (no overviews) is sampled instead, as
 * 8x8 windows of 64x64 pixels spread over it, so statistics never read a whole big image.
 */
async function statistics(source: RasterSource, bands: number[], nodata: number | undefined) {
  const coarsest = source.levels[source.levels.length - 1]!;
  if (coarsest.width * coarsest.height > 4096 * 4096) {
    const level = source.levels.length - 1;
    const side = 64;
    const parts: Raster[] = [];
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        const x = Math.floor(((i + 0.5) * coarsest.width) / 8 - side / 2);
        const y = Math.floor(((j + 0.5) * coarsest.height) / 8 - side / 2);
        parts.push(await source.readWindow(level, { x, y, width: side, height: side }, bands));
      }
    }
    return computeStatistics(stack(parts));
  }
  const scale = Math.max(1, Math.max(source.width, source.height) / 512);
  const width = Math.max(1, Math.round(source.width / scale));
  const height = Math.max(1, Math.round(source.height / scale));
  const t = source.transform;
  const target: Grid = { crs: source.crs, width, height, transform: [t[0], (t[1] * source.width) / width, t[2], t[3], t[4], (t[5] * source.height) / height] };
  const raster = await warp([source], target, { bands, resampling: 'nearest', sampleType: source.sampleType, nodata: nodata ?? source.nodata });
  return computeStatistics(raster);
}

/** Rasters of one width laid one under the other (statistics only look at the values). */
function stack(parts: Raster[]): Raster {
  const first = parts[0]!;
  const height = parts.reduce((sum, p) => sum + p.height, 0);
  const bands = first.bands.map((band, b) => {
    const out = new (band.constructor as new (n: number) => typeof band)(first.width * height);
    let offset = 0;
    for (const p of parts) {
      out.set(p.bands[b]! as never, offset);
      offset += p.bands[b]!.length;
    }
    return out;
  });
  const mask = new Uint8Array(first.width * height).fill(255);
  let offset = 0;
  for (const p of parts) {
    if (p.mask) mask.set(p.mask, offset);
    offset += p.width * p.height;
  }
  return { width: first.width, height, sampleType: first.sampleType, bands, mask, nodata: first.nodata };
}

async function perform(task: WorkerTask): Promise<WorkerValue> {
  switch (task.op) {
    case 'describe':
      return describe(await openSource(task.source));
    case 'stats':
      return statistics(await openSource(task.source), task.bands, task.nodata);
    case 'read':
      return readLayer(task.layer, task.target, task.sampleType);
    case 'coverage': {
      if (task.format === 'geotiff') {
        // The raster lives until encoded: pooled. Blocks are deflated on libuv's pool, in
        // parallel, while this thread reads the next request.
        const raster = await readLayer(task.layer, task.target, task.sampleType, scratchBuffers);
        try {
          const file = await encodeGeoTiffAsyncChunks(raster, task.target, { ...coverageOutputOptions(task.geotiff, raster.sampleType), bandNames: task.bandNames, nodata: task.layer.nodata });
          return written(task.into, file.chunks, file.length);
        } finally {
          release([...raster.bands, raster.mask]);
        }
      }
      const styled = task.style!;
      const rgba = await renderLayer({ ...task.layer, ...styled }, task.target);
      try {
        const image = await encodeImage(rgba, task.target.width, task.target.height, { format: task.format, transparent: task.format !== 'jpeg' });
        return written(task.into, [image], image.length);
      } finally {
        release([rgba]);
      }
    }
    case 'map': {
      const { width, height } = task.target;
      let canvas: Uint8ClampedArray | undefined;
      const layers = await Promise.all(task.layers.map((layer) => renderLayer(layer, task.target)));
      for (const rgba of layers) {
        if (!canvas) canvas = rgba;
        else composeOver(canvas, rgba);
      }
      canvas ??= new Uint8ClampedArray(width * height * 4);
      try {
        const image = await encodeImage(canvas, width, height, { format: task.format, transparent: task.transparent, bgcolor: task.bgcolor, quality: task.quality });
        return written(task.into, [image], image.length);
      } finally {
        // Read by the encoder (sharp: until its promise settles): given back after.
        release(layers);
      }
    }
    case 'legend':
      return legendImage(task.style, task.bands, { format: task.format, width: task.width, height: task.height, stats: task.stats });
    case 'encodeRows':
      return encodeRowChunk(task.chunk);
    case 'computeRows':
      return computeRows(task);
  }
}

/** Kernels by body: a query shape run again finds its loop compiled and optimised. */
const kernels = new Map<string, (n: number, A: ArrayLike<number>[], P: number[], O: SampleArray[]) => void>();

function kernelOf(body: string) {
  let k = kernels.get(body);
  if (!k) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated by the caller from fixed templates (RowKernel)
    k = new Function('n', 'A', 'P', 'O', body) as (n: number, A: ArrayLike<number>[], P: number[], O: SampleArray[]) => void;
    if (kernels.size >= 256) kernels.delete(kernels.keys().next().value as string);
    kernels.set(body, k);
  }
  return k;
}

/** Output bands of the last computeRows, reused: they are encoded before the next task can run (no await between). */
let outputs: { type: SampleType; bands: SampleArray[] } | undefined;

function outputArrays(type: SampleType, count: number, n: number): SampleArray[] {
  if (!outputs || outputs.type !== type || outputs.bands.length < count || outputs.bands[0]!.length < n) outputs = { type, bands: Array.from({ length: count }, () => allocateSamples(type, n)) };
  return outputs.bands.slice(0, count).map((b) => b.subarray(0, n));
}

const NO_ARRAY: number[] = [];

/** Reads the windows, runs the kernel over their cells, fills the cells without data and encodes the rows. */
async function computeRows(task: Extract<WorkerTask, { op: 'computeRows' }>): Promise<ComputedRows> {
  const rasters = await Promise.all(task.reads.map((r) => readLayer(r.layer, r.target, r.sampleType)));
  const n = task.chunk.width * task.chunk.rows;
  for (const r of rasters) if (r.width * r.height !== n) throw new CoverageError('InvalidGrid', `A read of ${r.width}x${r.height} cells does not cover rows of ${n}`);
  const A = task.kernel.arrays.map((a) => (a ? rasters[a.read]!.bands[a.band]! : NO_ARRAY));
  const O = outputArrays(task.output.sampleType, task.output.bands, n);
  kernelOf(task.kernel.body)(n, A, task.kernel.scalars, O);
  let holes = false;
  const fill = task.output.fill;
  for (const r of rasters) {
    const mask = r.mask;
    if (!mask || mask.indexOf(0) === -1) continue;
    holes = true;
    for (let i = 0; i < n; i++) if (mask[i] === 0) for (const o of O) o[i] = fill;
  }
  return { blocks: encodeRowChunk({ ...task.chunk, bands: O }), holes };
}

/** A view that is the whole of its own ArrayBuffer (not a slice of a pool or of a larger buffer). */
const ownsBuffer = (a: ArrayBufferView) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer;

/**
 * The buffers a reply may move rather than copy: the arrays a read (warp) or the row encoder
 * made for this task alone, and encoded outputs. Compressed blocks that are slices (zlib's
 * output buffer, Buffer's pool) are copied into buffers of their own first.
 */
function transferablesOf(task: WorkerTask, value: WorkerValue): { value: WorkerValue; transfer: ArrayBuffer[] } {
  if (task.op === 'read') {
    const raster = value as Raster;
    const views: ArrayBufferView[] = [...raster.bands, ...(raster.mask ? [raster.mask] : [])];
    return { value, transfer: views.filter(ownsBuffer).map((v) => v.buffer as ArrayBuffer) };
  }
  if (task.op === 'encodeRows') {
    const blocks = (value as Uint8Array[]).map((b) => (ownsBuffer(b) ? b : new Uint8Array(b)));
    return { value: blocks, transfer: blocks.map((b) => b.buffer as ArrayBuffer) };
  }
  if (task.op === 'computeRows') {
    const computed = value as ComputedRows;
    const blocks = computed.blocks.map((b) => (ownsBuffer(b) ? b : new Uint8Array(b)));
    return { value: { blocks, holes: computed.holes }, transfer: blocks.map((b) => b.buffer as ArrayBuffer) };
  }
  if (task.op === 'coverage' || task.op === 'map' || task.op === 'legend') {
    // An encoded file or image: moved when it is a buffer of its own (a whole GeoTIFF, sharp's
    // output), so neither thread copies it; a small one in Buffer's pool is cloned; one written
    // into the task's shared buffer is only its length.
    if (!(value instanceof Uint8Array)) return { value, transfer: [] };
    return { value, transfer: ownsBuffer(value) ? [value.buffer as ArrayBuffer] : [] };
  }
  return { value, transfer: [] };
}

/** A reply whose buffers piscina moves to the main thread (its Transferable protocol). */
function moving<T extends object>(reply: T, transfer: ArrayBuffer[]): T {
  if (transfer.length === 0) return reply;
  return Piscina.move({ [Piscina.transferableSymbol]: [...new Set(transfer)], [Piscina.valueSymbol]: reply } as never) as T;
}

export default async function run(task: WorkerTask): Promise<WorkerReply<WorkerValue>> {
  const port = 'port' in task ? task.port : undefined;
  if (port) attachPort(port);
  try {
    // Replies are cloned (point reads are small, and a Buffer may be a slice of a pool that
    // other data shares), except the buffers transferablesOf names.
    const { value, transfer } = transferablesOf(task, await perform(task));
    return moving({ ok: true, value }, transfer);
  } catch (err) {
    const e = err as { coverageCode?: string; code?: string; message?: string };
    return { ok: false, code: e.coverageCode ?? (typeof e.code === 'string' ? e.code : undefined), message: e.message ?? String(err) };
  } finally {
    if (port) detachPort(port);
  }
}
