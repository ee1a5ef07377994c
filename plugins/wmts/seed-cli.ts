/** Runs `meridian wmts seed` against the platform's stores (seed-command.ts declares it). */
import { EXIT } from '../../core/cli/common.js';
import { EXIT_INTERRUPTED } from '../../core/cli/plugin-commands.js';
import { MeridianError } from '../../core/errors.js';
import type { PluginCommandInvocation } from '../../core/plugin.js';
import type { Bbox } from '../coverages/types.js';
import type { SeedRequest, WmtsService } from './seed.js';

interface SeedOptions {
  layer?: string;
  tileMatrixSet?: string;
  minZoom: number;
  maxZoom?: number;
  bbox?: string;
  style?: string;
  format?: string;
  time?: string;
  concurrency: number;
  json?: boolean;
}

function fail(invocation: PluginCommandInvocation, message: string): number {
  invocation.stderr.write(`meridian wmts seed: ${message}\n`);
  return EXIT.failure;
}

function parseBbox(text: string): Bbox | undefined {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) return undefined;
  const [minx, miny, maxx, maxy] = parts as Bbox;
  return minx < maxx && miny < maxy ? [minx, miny, maxx, maxy] : undefined;
}

export async function runSeedCommand(invocation: PluginCommandInvocation): Promise<number> {
  const o = invocation.options as unknown as SeedOptions;
  if (!o.layer) return fail(invocation, '--layer is required');
  if (!o.tileMatrixSet) return fail(invocation, '--tile-matrix-set is required');
  if (o.maxZoom === undefined) return fail(invocation, '--max-zoom is required');
  const bbox = o.bbox === undefined ? undefined : parseBbox(o.bbox);
  if (o.bbox !== undefined && !bbox) return fail(invocation, '--bbox must be minlon,minlat,maxlon,maxlat with min < max');
  const platform = await invocation.platform({ quiet: o.json });
  const wmts = platform.service<WmtsService>('wmts');
  const request: SeedRequest = {
    layer: o.layer,
    tileMatrixSet: o.tileMatrixSet,
    minZoom: o.minZoom,
    maxZoom: o.maxZoom,
    bbox,
    style: o.style,
    format: o.format,
    time: o.time,
    concurrency: o.concurrency,
  };
  const bar = o.json ? undefined : invocation.progress(`seeding ${o.layer} in ${o.tileMatrixSet}`, 0);
  try {
    const summary = await wmts.seed(request, {
      signal: invocation.signal,
      onPlan(plan) {
        if (o.json) invocation.stdout.write(`${JSON.stringify({ type: 'plan', ...plan })}\n`);
        bar?.setTotal(plan.total);
      },
      onTile(label) {
        bar?.tick(label);
      },
    });
    bar?.done();
    if (o.json) invocation.stdout.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
    else {
      invocation.stdout.write(
        `${summary.rendered} tile(s) rendered, ${summary.cached} already cached, ${summary.empty} empty (not stored), of ${summary.total}${summary.interrupted ? '; interrupted' : ''}\n`,
      );
    }
    return summary.interrupted ? EXIT_INTERRUPTED : EXIT.ok;
  } catch (err) {
    bar?.done();
    // A request the user can fix (unknown layer, set, level): its message, no stack.
    if (err instanceof MeridianError && err.expose) return fail(invocation, err.locator ? `${err.message} [${err.locator}]` : err.message);
    throw err;
  }
}
