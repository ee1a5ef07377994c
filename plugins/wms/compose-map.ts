/**
 * A GetMap with vector layers: the layers stacked in LAYERS order, first at the bottom. Each run
 * of consecutive raster layers is one call to the coverages engine for a transparent PNG (so the
 * engine still mosaics and orders them itself), each vector layer is drawn by vector/render.ts;
 * the runs and layers are drawn concurrently, composed by sharp in order, then laid on BGCOLOR
 * (unless TRANSPARENT, and always for JPEG) and encoded in the asked format.
 */
import sharp, { type OverlayOptions } from 'sharp';
import type { ImageFormat, MapLayer } from '../coverages/types.js';
import type { WmsEnv } from './env.js';
import { IMAGE_MIME } from './formats.js';
import type { MapPart, RasterLayerRequest, RequestedLayer } from './map-request.js';
import { renderVectorLayer } from './vector/render.js';

export interface MapImageOptions {
  format: ImageFormat;
  transparent: boolean;
  /** 0xRRGGBB. */
  bgcolor: number;
  quality: number;
}

/** The engine's layers for raster layers: one per TIME item, in order. */
export function mapLayersOf(layers: readonly RasterLayerRequest[]): MapLayer[] {
  return layers.flatMap((layer) => (layer.times ?? [undefined]).map((time) => ({ coverage: layer.coverage.id, style: layer.style, ...(time ? { time } : {}) })));
}

/** Consecutive raster layers together, each vector layer alone, in LAYERS order. */
function runsOf(layers: readonly RequestedLayer[]): RequestedLayer[][] {
  const runs: RequestedLayer[][] = [];
  for (const layer of layers) {
    const last = runs[runs.length - 1];
    if (layer.kind === 'raster' && last && last[0]!.kind === 'raster') last.push(layer);
    else runs.push([layer]);
  }
  return runs;
}

const rgb = (colour: number) => ({ r: (colour >> 16) & 0xff, g: (colour >> 8) & 0xff, b: colour & 0xff });

export async function composeMap(part: MapPart, options: MapImageOptions, env: WmsEnv): Promise<{ contentType: string; body: Buffer }> {
  const { width, height } = part;
  const features = env.features;
  const overlays = await Promise.all(
    runsOf(part.layers).map(async (run): Promise<OverlayOptions> => {
      const first = run[0]!;
      if (first.kind === 'raster') {
        const out = await env.coverages.map(
          { layers: mapLayersOf(run as RasterLayerRequest[]), target: part.grid, format: 'png', transparent: true, quality: options.quality },
          env.subject,
        );
        return { input: out.body, top: 0, left: 0 };
      }
      // A vector layer was resolved through the features engine, so it is there.
      const image = await renderVectorLayer(first, { crs: part.crs.crs, bbox: part.bbox, width, height }, { features: features!, subject: env.subject, maxFeatures: env.config.vectorMaxFeatures });
      if (image.truncated) {
        env.logger.warn({ layer: first.id, drawn: image.features, reqId: env.ctx.state.requestId }, `wms: layer '${first.id}' has more features in the map than vectorMaxFeatures; the rest are not drawn`);
      }
      return { input: image.data, raw: { width, height, channels: 4 }, top: 0, left: 0 };
    }),
  );
  const opaque = !options.transparent || options.format === 'jpeg';
  const background = { ...rgb(options.bgcolor), alpha: opaque ? 1 : 0 };
  // Composed first and encoded from raw pixels: sharp applies composite after other operations.
  const composed = await sharp({ create: { width, height, channels: 4, background } }).composite(overlays).raw().toBuffer();
  let image = sharp(composed, { raw: { width, height, channels: 4 } });
  if (opaque) image = image.flatten({ background: rgb(options.bgcolor) });
  let body: Buffer;
  switch (options.format) {
    case 'png':
      body = await image.png().toBuffer();
      break;
    case 'jpeg':
      body = await image.jpeg({ quality: options.quality }).toBuffer();
      break;
    case 'webp':
      body = await image.webp({ quality: options.quality }).toBuffer();
      break;
  }
  return { contentType: IMAGE_MIME[options.format], body };
}
