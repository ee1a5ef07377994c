/** GeoTIFF defaults of coverage output: deflate level 1, a predictor (floating point for floats, horizontal for integers) with run-length matching (integers: per block), unless the request says otherwise. */
import assert from 'node:assert/strict';
import { coverageOutputOptions, OUTPUT_DEFLATE_LEVEL } from '../../../../plugins/coverages/encode/output-defaults.js';

describe('coverage output GeoTIFF defaults', () => {
  it('uses deflate level 1 whatever else is asked', () => {
    assert.equal(OUTPUT_DEFLATE_LEVEL, 1);
    assert.equal(coverageOutputOptions(undefined, 'uint8').level, 1);
    assert.equal(coverageOutputOptions({ compression: 'deflate', tiled: true }, 'float32').level, 1);
  });

  it('adds the floating-point predictor to float samples and the horizontal one to integers under deflate or LZW', () => {
    for (const type of ['float32', 'float64'] as const) {
      assert.equal(coverageOutputOptions(undefined, type).predictor, 'floatingpoint');
      assert.equal(coverageOutputOptions({ compression: 'lzw' }, type).predictor, 'floatingpoint');
    }
    for (const type of ['uint8', 'int16', 'uint32'] as const) {
      assert.equal(coverageOutputOptions(undefined, type).predictor, 'horizontal');
      assert.equal(coverageOutputOptions({ compression: 'lzw' }, type).predictor, 'horizontal');
    }
  });

  it('deflates predicted blocks with run-length matching (integers: where a block has runs), unpredicted ones with the default strategy', () => {
    assert.equal(coverageOutputOptions(undefined, 'uint8').deflateStrategy, 'runs');
    assert.equal(coverageOutputOptions({ compression: 'deflate' }, 'float32').deflateStrategy, 'rle');
    assert.equal(coverageOutputOptions({ compression: 'deflate', predictor: 'none' }, 'uint8').deflateStrategy, undefined);
    assert.equal(coverageOutputOptions({ compression: 'lzw' }, 'uint8').deflateStrategy, undefined);
  });

  it('keeps what the request says: its predictor (also none), and no predictor where the compression has none', () => {
    assert.equal(coverageOutputOptions({ predictor: 'none' }, 'float32').predictor, 'none');
    assert.equal(coverageOutputOptions({ predictor: 'horizontal' }, 'int16').predictor, 'horizontal');
    assert.equal(coverageOutputOptions({ compression: 'none' }, 'float32').predictor, undefined);
    assert.equal(coverageOutputOptions({ compression: 'packbits' }, 'float32').predictor, undefined);
    assert.deepEqual(coverageOutputOptions({ compression: 'lzw', tiled: true, tileWidth: 256, cog: true }, 'float32'), {
      compression: 'lzw', tiled: true, tileWidth: 256, cog: true, level: 1, predictor: 'floatingpoint',
    });
    assert.deepEqual(coverageOutputOptions({ compression: 'deflate', predictor: 'horizontal' }, 'int16'), {
      compression: 'deflate', level: 1, predictor: 'horizontal', deflateStrategy: 'runs',
    });
  });
});
