/** byteBlock (1-byte samples cut and differenced in one pass) gives the bytes of extractBlock then horizontalDifference. */
import assert from 'node:assert/strict';
import { blockGrid, byteBlock, extractBlock } from '../../../../plugins/coverages/encode/blocks.js';
import type { Level } from '../../../../plugins/coverages/encode/overviews.js';
import { horizontalDifference } from '../../../../plugins/coverages/encode/predictor.js';
import { SAMPLE_TYPES } from '../../../../plugins/coverages/encode/sample-types.js';
import { patternRaster } from './fixtures.js';

function reference(level: Level, grid: ReturnType<typeof blockGrid>, bx: number, by: number, tiles: boolean, fill: number, difference: boolean, type: 'uint8' | 'int8'): Uint8Array {
  const samples = extractBlock(level, grid, bx, by, SAMPLE_TYPES[type], tiles, fill);
  if (difference) horizontalDifference(samples, grid.blockWidth * level.bands.length, level.bands.length);
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

describe('GeoTIFF blocks of 1-byte samples', () => {
  for (const type of ['uint8', 'int8'] as const) {
    for (const spp of [1, 3, 4]) {
      for (const difference of [false, true]) {
        it(`${type}, ${spp} band(s), ${difference ? 'horizontal predictor' : 'no predictor'}: every tile and strip, edges padded, as extractBlock cuts them`, () => {
          const raster = patternRaster(type, 70, 45, spp, 5 + spp);
          const level: Level = { width: raster.width, height: raster.height, bands: raster.bands };
          const fills = type === 'int8' ? [0, -7] : [0, 200];
          for (const fill of fills) {
            for (const [tiles, grid] of [[true, blockGrid(70, 45, 32, 16)], [false, blockGrid(70, 45, 70, 8)]] as const) {
              let scratch = new Uint8Array(grid.blockWidth * grid.blockHeight * spp).fill(99);
              for (let by = 0; by < grid.down; by++) {
                for (let bx = 0; bx < grid.across; bx++) {
                  const want = reference(level, grid, bx, by, tiles, fill, difference, type);
                  assert.deepEqual(byteBlock(level, grid, bx, by, tiles, fill, difference), want, `block ${bx},${by} fill ${fill} ${tiles ? 'tiled' : 'striped'}`);
                  // Into a used scratch buffer: every byte written again.
                  const into = byteBlock(level, grid, bx, by, tiles, fill, difference, scratch);
                  assert.equal(into.buffer, scratch.buffer);
                  assert.deepEqual(into, want);
                  scratch = scratch.fill(99);
                }
              }
            }
          }
        });
      }
    }
  }
});

describe('deflate strategy per block (runs)', () => {
  it('takes run-length for bytes with runs (flat areas, classes) and Huffman only for small noisy differences', async () => {
    const { runsStrategy } = await import('../../../../plugins/coverages/encode/compression.js');
    assert.equal(runsStrategy(new Uint8Array(4096)), 'rle');
    const noisy = new Uint8Array(4096).map((_, i) => (Math.imul(i, 2654435761) >>> 24) & 7);
    assert.equal(runsStrategy(noisy), 'huffman');
    const half = noisy.slice();
    half.fill(0, 0, 3000);
    assert.equal(runsStrategy(half), 'rle');
    assert.equal(runsStrategy(new Uint8Array(3)), 'rle');
  });
});
