/**
 * What the main thread sends the worker pool: plans that name sources by reference (so a worker
 * opens and caches them itself) and carry everything resolved (style, bands, statistics).
 */
import type { MessagePort } from 'node:worker_threads';
import type { RowChunk } from '../encode/geotiff-rows.js';
import type { BandStatistics, ResolvedStyle } from '../render/index.js';
import type { ComputedRows, CoverageOutputRequest, Grid, ImageFormat, Raster, Resampling, RowKernel, SampleType } from '../types.js';
import type { BandDescription, GeoTransform } from '../types.js';

/** Where a worker reads a source from; `id` includes the data's version, so a change is a new id. */
export type SourceRef =
  | { kind: 'file'; id: string; path: string }
  | { kind: 'http'; id: string; url: string }
  /** A blob of a store the worker cannot open itself: ranges are asked of the main thread over the task's port. */
  | { kind: 'blob'; id: string; key: string; size: number };

export interface LayerPlan {
  /** Drawing order: later sources on top where they have data. */
  sources: SourceRef[];
  /** Band indexes read from every source, in this order. */
  bands: number[];
  /** Descriptions of the bands read (same order). */
  bandDescriptions: BandDescription[];
  nodata?: number;
  /** Band index → nodata override from config (files that declare none). */
  nodataOverride?: number;
  resampling: Resampling;
}

export interface StyledLayerPlan extends LayerPlan {
  style: ResolvedStyle;
  /** Statistics by coverage band index (all bands), when the style needs them. */
  stats?: BandStatistics[];
  /** Ground size of a target pixel in metres (hillshade). */
  pixelSize: [number, number];
}

export type WorkerTask =
  | { op: 'describe'; source: SourceRef; port?: MessagePort }
  | { op: 'stats'; source: SourceRef; bands: number[]; nodata?: number; port?: MessagePort }
  | { op: 'read'; layer: LayerPlan; target: Grid; sampleType: SampleType; port?: MessagePort }
  | {
      op: 'coverage';
      layer: LayerPlan;
      target: Grid;
      sampleType: SampleType;
      format: CoverageOutputRequest['format'];
      geotiff?: CoverageOutputRequest['geotiff'];
      bandNames: string[];
      style?: { style: ResolvedStyle; stats?: BandStatistics[]; pixelSize: [number, number] };
      /** Where to write the encoded file when it fits (the reply is then { written }). */
      into?: SharedArrayBuffer;
      port?: MessagePort;
    }
  | { op: 'map'; layers: StyledLayerPlan[]; target: Grid; format: ImageFormat; transparent: boolean; bgcolor: number; quality?: number; into?: SharedArrayBuffer; port?: MessagePort }
  | { op: 'legend'; style: ResolvedStyle; bands: BandDescription[]; stats?: BandStatistics[]; format: ImageFormat; width?: number; height?: number }
  /** Rows of GeoTIFF blocks to cut, predict and compress (their buffers moved here). */
  | { op: 'encodeRows'; chunk: RowChunk }
  /** Windows to read, a kernel to compute rows from them, and the rows' encoding (computeRows). */
  | {
      op: 'computeRows';
      reads: Array<{ layer: LayerPlan; target: Grid; sampleType: SampleType }>;
      kernel: RowKernel;
      output: { sampleType: SampleType; bands: number; fill: number };
      chunk: Omit<RowChunk, 'bands'>;
      port?: MessagePort;
    };

/** A source's description as read from its header. */
export interface SourceInfo {
  crs: string;
  width: number;
  height: number;
  transform: GeoTransform;
  levels: Array<{ width: number; height: number; transform: GeoTransform }>;
  bands: BandDescription[];
  sampleType: SampleType;
  nodata?: number;
}

/** Worker replies: a value, or an error with the engine's code (errors do not survive cloning as classes). */
export type WorkerReply<T> = { ok: true; value: T } | { ok: false; code?: string; message: string };

/** An encoded output written into the task's `into` buffer: its length. */
export interface WrittenOutput {
  written: number;
}

export type WorkerValue = SourceInfo | BandStatistics[] | Raster | Uint8Array | Uint8Array[] | ComputedRows | WrittenOutput;

/** Range requests a worker sends over a task's port, and the main thread's answers. */
export interface RangeAsk {
  ask: number;
  key: string;
  offset: number;
  length: number;
}
export type RangeAnswer = { ask: number; bytes: Uint8Array } | { ask: number; error: string };
