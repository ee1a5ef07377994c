/**
 * `meridian wmts seed` as a separate process on a config file: it writes the expected number of
 * tiles (counted here from the layer's corners) under the keys GetTile reads, so a server on the
 * same stores then serves them without rendering; --bbox narrows it, a second run finds them
 * cached, and bad options exit 1 with a message.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBlobStore } from '../../../core/storage/blobs/index.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { CoveragesService } from '../../../plugins/coverages/types.js';
import { runCli } from '../../helpers/cli.js';
import { startTestServer } from '../../helpers/server.js';
import { builtinDir, get, listKeys, makeRgbFixture, tempDir, webMercatorPixel, crs84Pixel } from './support.js';

interface SeedSummaryLine {
  type: 'summary';
  total: number;
  rendered: number;
  cached: number;
  empty: number;
  interrupted: boolean;
}

/** Tiles of levels min..max touching lon/lat box [w, s, e, n], counted from its corners. */
function expectedTiles(locate: typeof webMercatorPixel, min: number, max: number, [w, s, e, n]: [number, number, number, number]): Map<number, number> {
  const counts = new Map<number, number>();
  for (let z = min; z <= max; z++) {
    const nw = locate(z, w, n);
    const se = locate(z, e - 1e-9, s + 1e-9);
    counts.set(z, (se.row - nw.row + 1) * (se.col - nw.col + 1));
  }
  return counts;
}

describe('meridian wmts seed', function () {
  this.timeout(180_000);
  let tmp: ReturnType<typeof tempDir>;
  let configFile: string;
  let blobsRoot: string;
  let plugins: Record<string, unknown>;
  let blobs: BlobStore;
  before(async () => {
    tmp = tempDir('seed');
    const rgb = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    blobsRoot = path.join(tmp.dir, 'blobs');
    plugins = {
      coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: [{ id: 'rgb', title: 'RGB', path: rgb }] },
      wmts: {},
    };
    configFile = path.join(tmp.dir, 'meridian.json');
    writeFileSync(
      configFile,
      JSON.stringify({ dataDir: path.join(tmp.dir, 'data'), builtinPlugins: false, database: { client: 'sqlite', filename: path.join(tmp.dir, 'meridian.db') }, blobs: { type: 'fs', root: blobsRoot }, plugins, log: { level: 'warn' } }),
    );
    blobs = await openBlobStore({ type: 'fs', root: blobsRoot });
  });
  after(async () => {
    await blobs?.close?.();
    tmp?.remove();
  });

  const seed = (...args: string[]) => runCli(['wmts', 'seed', '--config', configFile, ...args]);
  const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });

  it('seeds levels 0..6 of WebMercatorQuad: the expected number of tiles, each under its key', async () => {
    const r = await seed('--layer', 'rgb', '--tile-matrix-set', 'WebMercatorQuad', '--min-zoom', '0', '--max-zoom', '6', '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    const plan = out[0] as unknown as { type: string; total: number; levels: Array<{ matrix: string; tiles: number }> };
    const summary = out.at(-1) as unknown as SeedSummaryLine;
    const expected = expectedTiles(webMercatorPixel, 0, 6, [0, 40, 20, 50]);
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    assert.equal(plan.type, 'plan');
    assert.deepEqual(plan.levels.map((l) => l.tiles), [...expected.values()]);
    assert.deepEqual(summary, { type: 'summary', total, rendered: total, cached: 0, empty: 0, interrupted: false });
    const keys = await listKeys(blobs, 'wmts-cache/rgb/');
    assert.equal(keys.length, total);
    for (const [z, n] of expected) assert.equal(keys.filter((k) => k.includes(`/WebMercatorQuad/${z}/`)).length, n, `level ${z}`);
    const p = webMercatorPixel(6, 10.5, 45.5);
    assert.ok(keys.some((k) => k.endsWith(`/rgb/WebMercatorQuad/6/${p.row}/${p.col}.png`)));
  });

  it('a second run finds every tile cached; a server on the same stores serves seeded tiles without rendering', async () => {
    const again = await seed('--layer', 'rgb', '--tile-matrix-set', 'WebMercatorQuad', '--max-zoom', '6', '--json');
    assert.equal(again.code, 0, again.stderr);
    const summary = lines(again.stdout).at(-1) as unknown as SeedSummaryLine;
    assert.equal(summary.rendered, 0);
    assert.equal(summary.cached, summary.total);

    const server = await startTestServer({ blobs: { type: 'fs', root: blobsRoot }, plugins }, { builtinDir });
    try {
      const coverages = server.meridian.service<CoveragesService>('coverages') as { map: CoveragesService['map'] };
      const original = coverages.map;
      let calls = 0;
      coverages.map = (...args) => {
        calls++;
        return original.apply(coverages, args);
      };
      const p = webMercatorPixel(6, 10.5, 45.5);
      const res = await get(`${server.url}/wmts/1.0.0/rgb/rgb/WebMercatorQuad/6/${p.row}/${p.col}.png`);
      assert.equal(res.status, 200);
      assert.equal(calls, 0, 'the seeded tile was served from the cache');
      coverages.map = original;
    } finally {
      await server.close();
    }
  });

  it('--bbox seeds only the tiles touching it (WorldCRS84Quad 5..8 over the square); the plain output says how many', async () => {
    const r = await seed('--layer', 'rgb', '--tile-matrix-set', 'WorldCRS84Quad', '--min-zoom', '5', '--max-zoom', '8', '--bbox', '10.2,45.2,10.8,45.8');
    assert.equal(r.code, 0, r.stderr);
    const expected = [...expectedTiles(crs84Pixel, 5, 8, [10.2, 45.2, 10.8, 45.8]).values()].reduce((a, b) => a + b, 0);
    assert.match(r.stdout, new RegExp(`^${expected} tile\\(s\\) rendered, 0 already cached, 0 empty \\(not stored\\), of ${expected}$`, 'm'));
    assert.equal((await listKeys(blobs, 'wmts-cache/rgb/')).filter((k) => k.includes('/WorldCRS84Quad/')).length, expected);
  });

  it('exits 1 naming the problem: an unknown layer or set, levels past the set, a bad --bbox, a missing option', async () => {
    for (const [args, message] of [
      [['--layer', 'nope', '--tile-matrix-set', 'WebMercatorQuad', '--max-zoom', '2'], /No layer 'nope'/],
      [['--layer', 'rgb', '--tile-matrix-set', 'Nope', '--max-zoom', '2'], /No tile matrix set 'Nope'/],
      [['--layer', 'rgb', '--tile-matrix-set', 'WebMercatorQuad', '--max-zoom', '40'], /max-zoom <= 18/],
      [['--layer', 'rgb', '--tile-matrix-set', 'WebMercatorQuad', '--max-zoom', '2', '--bbox', '1,2,3'], /--bbox must be/],
      [['--layer', 'rgb', '--tile-matrix-set', 'WebMercatorQuad'], /--max-zoom is required/],
    ] as const) {
      const r = await seed(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
