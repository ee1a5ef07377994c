/**
 * Overview choice: the coarsest level whose pixels are at least as fine as the target's, in the
 * source CRS around the target's centre.
 */
import assert from 'node:assert/strict';
import { transformPoint } from '../../../../core/ows/index.js';
import { chooseLevel, warp } from '../../../../plugins/coverages/warp/index.js';
import type { GeoTransform, Grid } from '../../../../plugins/coverages/types.js';
import { functionSource } from './support.js';

const UTM: GeoTransform = [400000, 10, 0, 5000000, 0, -10];

// 800 x 600 pixels of 10 m with overviews of 20, 40, 80 and 160 m; each level's value is its number.
const source = functionSource({
  crs: 'EPSG:32631', width: 800, height: 600, transform: UTM, sampleType: 'uint8', overviews: [2, 4, 8, 16],
  values: (_x, _y, _c, _r, level) => [level],
});

/** A target in the source CRS with square pixels of `size` metres around the source's centre. */
function utmGrid(size: number, width = 256, height = 256): Grid {
  return { crs: 'EPSG:32631', width, height, transform: [404000 - (size * width) / 2, size, 0, 4997000 + (size * height) / 2, 0, -size] };
}

describe('coverages warp: overview choice', () => {
  it('keeps full resolution until the target is twice as coarse, then each level at its own factor', () => {
    const cases: Array<[number, number]> = [
      [5, 0], [10, 0], [15, 0], [19.9, 0], [20, 1], [39, 1], [40, 2], [79.99, 2], [80, 3], [160, 4], [1000, 4],
    ];
    for (const [size, level] of cases) assert.equal(chooseLevel(source, utmGrid(size)), level, `target pixels of ${size} m`);
  });

  it('takes the finer axis of a target with unequal pixel sides', () => {
    const grid: Grid = { crs: 'EPSG:32631', width: 100, height: 100, transform: [400000, 100, 0, 5000000, 0, -25] };
    assert.equal(chooseLevel(source, grid), 1);
  });

  it('measures a reprojected target around its centre, in the source CRS', () => {
    // EPSG:4326 pixels of about 45 m east-west (0.0006 deg of longitude at 45.1 N) and 67 m north-south: level 2 (40 m).
    const [lon, lat] = transformPoint([404000, 4997000], 'EPSG:32631', 'EPSG:4326');
    const grid: Grid = { crs: 'EPSG:4326', width: 200, height: 200, transform: [lon - 0.06, 0.0006, 0, lat + 0.06, 0, -0.0006] };
    assert.equal(chooseLevel(source, grid), 2);
    // Twice as fine: level 1.
    const finer: Grid = { ...grid, transform: [lon - 0.03, 0.0003, 0, lat + 0.03, 0, -0.0003] };
    assert.equal(chooseLevel(source, finer), 1);
  });

  it('measures EPSG:3857 pixels as the ground distance they span (Web Mercator stretches by 1/cos(lat))', () => {
    // At 45.1 N a 3857 pixel of 113 m spans about 80 m on the ground: level 3.
    const [x, y] = transformPoint([404000, 4997000], 'EPSG:32631', 'EPSG:3857');
    const grid: Grid = { crs: 'EPSG:3857', width: 256, height: 256, transform: [x - 128 * 114, 114, 0, y + 128 * 114, 0, -114] };
    assert.equal(chooseLevel(source, grid), 3);
    const slightlyFiner: Grid = { ...grid, transform: [x - 128 * 110, 110, 0, y + 128 * 110, 0, -110] };
    assert.equal(chooseLevel(source, slightlyFiner), 2);
  });

  it('warp reads from the chosen level', async () => {
    source.reads.length = 0;
    const out = await warp([source], utmGrid(45, 64, 64), { bands: [0], resampling: 'bilinear', sampleType: 'uint8' });
    assert.deepEqual(source.reads.map((r) => r.level), [2]);
    assert.ok(out.bands[0]!.every((v) => v === 2));
  });
});
