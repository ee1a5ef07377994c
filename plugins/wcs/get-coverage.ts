/**
 * GetCoverage (WCS 2.0.1 core §8.4 and the extensions): the request is planned into one engine
 * read (plan.ts), checked against the engine's limits before any pixel is read, then encoded by
 * the engine (GeoTIFF, PNG, JPEG) or here (GML tupleList), optionally wrapped in multipart/related.
 */
import { crsDefinition } from './axes.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { requireCoverage } from './describe-coverage.js';
import { wcsErrorOf } from './exceptions.js';
import { geotiffOptionsOf, MEDIA_TYPE, multipartOf, outputFormatOf } from './formats.js';
import { gmlCoverageDocument, multipartCoverage } from './gml-coverage.js';
import { planGetCoverage } from './plan.js';
import type { GetCoverageRequest } from './requests.js';

async function offeredCrsFor(env: WcsEnv): Promise<Set<string>> {
  const ids = new Set(env.offeredCrs);
  for (const c of await env.coverages.list(env.subject)) ids.add(crsDefinition(c.grid.crs).id);
  return ids;
}

const EXTENSIONS: Record<string, string> = { geotiff: 'tif', png: 'png', jpeg: 'jpg', gml: 'gml' };

export async function getCoverage(request: GetCoverageRequest, env: WcsEnv): Promise<WcsResponse> {
  const d = await requireCoverage(env, request.coverageId);
  const format = outputFormatOf(request.format);
  const multipart = multipartOf(request.mediaType);
  const limits = env.coverages.limits;
  // crsSupported is service-wide: every coverage's native CRS is offered for every coverage.
  const offered = request.subsettingCrs || request.outputCrs || request.subsets.some((s) => s.crs) ? await offeredCrsFor(env) : env.offeredCrs;
  const plan = planGetCoverage(request, d, offered, {
    maxCells: format === 'gml' ? Math.min(limits.maxCells, env.config.maxGmlCells) : limits.maxCells,
    maxWidth: limits.maxWidth,
    maxHeight: limits.maxHeight,
  });
  const sampleType = d.bands[plan.bands?.[0] ?? 0]?.sampleType ?? 'float32';
  const geotiff = format === 'geotiff' ? geotiffOptionsOf(request.geotiff, sampleType) : undefined;
  const read = { coverage: d.id, target: plan.target, bands: plan.bands, time: plan.time, resampling: plan.resampling };
  const context = { coverage: d.id, locator: request.scalingLocator ?? 'subset' };
  const disposition = (name: string) => `inline; filename="${name}"`;
  try {
    if (format === 'gml') {
      const raster = await env.coverages.read(read, env.subject);
      return { contentType: 'application/gml+xml; charset=UTF-8', body: gmlCoverageDocument(d, plan, raster), headers: { 'Content-Disposition': disposition(`${d.id}.gml`) } };
    }
    // The file is sent once: the engine may write it into a buffer it reuses, given back when
    // the response is over (a multipart body is a copy: at once).
    const out = await env.coverages.coverage({ ...read, format, geotiff, transientBody: true }, env.subject);
    const filename = out.filename ?? `${d.id}.${EXTENSIONS[format]}`;
    const contentType = out.contentType || MEDIA_TYPE[format];
    if (multipart) {
      const parts = multipartCoverage(d, plan, { body: out.body, contentType, filename });
      out.release?.();
      return { contentType: parts.contentType, body: parts.body };
    }
    if (out.release) env.ctx.res.once('close', out.release);
    return { contentType, body: out.body, headers: { 'Content-Disposition': disposition(filename) } };
  } catch (err) {
    throw wcsErrorOf(err, context);
  }
}
