/** TIME against a layer's instants (WMS 1.3.0 annex C), on a described coverage (no engine needed). */
import assert from 'node:assert/strict';
import type { CoverageDescription } from '../../../plugins/coverages/types.js';
import { selectTimes, spanOf } from '../../../plugins/wms/time-dimension.js';

const VALUES = ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z', '2020-03-01T00:00:00.000Z'];

function layer(time?: CoverageDescription['time']): CoverageDescription {
  return {
    id: 'series', title: 'Series', keywords: [], kind: 'series', grid: { crs: 'EPSG:4326', width: 10, height: 10, transform: [0, 1, 0, 10, 0, -1] },
    bbox: [0, 0, 10, 10], wgs84Bbox: [0, 0, 10, 10], bands: [], resolutions: [[1, 1]], styles: [], time, version: '1', updated: '2020-03-01T00:00:00Z',
  };
}

const series = layer({ values: VALUES, default: VALUES[2]! });
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code: string }).code, locator: (err as { locator?: string }).locator, message: (err as Error).message };
  }
  return undefined;
};

describe('wms TIME dimension', () => {
  it('draws the default instant without TIME, or refuses with MissingDimensionValue when TIME is required', () => {
    assert.deepEqual(selectTimes(series, undefined, false), [{ begin: VALUES[2], end: VALUES[2] }]);
    assert.deepEqual(code(() => selectTimes(series, undefined, true)), { code: 'MissingDimensionValue', locator: 'TIME', message: "Layer 'series' needs a TIME value (its instants: 2020-01-01T00:00:00.000Z to 2020-03-01T00:00:00.000Z)" });
  });

  it('ignores TIME for a layer without a time dimension', () => {
    assert.equal(selectTimes(layer(undefined), '1999-01-01', true), undefined);
  });

  it('matches an instant at the precision written, and current as the latest instant', () => {
    assert.deepEqual(selectTimes(series, '2020-02-01T00:00:00Z', false), [{ begin: VALUES[1], end: VALUES[1] }]);
    assert.deepEqual(selectTimes(series, '2020-02', false), [{ begin: VALUES[1], end: '2020-02-29T23:59:59.999Z' }]);
    assert.deepEqual(selectTimes(series, 'current', false), [{ begin: VALUES[2], end: VALUES[2] }]);
  });

  it('selects intervals (open ends closed at the layer extremes), periods and lists in time order', () => {
    assert.deepEqual(selectTimes(series, '2020-01-15/2020-03-15', false), [{ begin: '2020-01-15T00:00:00.000Z', end: '2020-03-15T23:59:59.999Z' }]);
    assert.deepEqual(selectTimes(series, '../2020-01-20', false), [{ begin: VALUES[0], end: '2020-01-20T23:59:59.999Z' }]);
    assert.deepEqual(selectTimes(series, '2020-01-01T00:00:00Z/2020-03-01T00:00:00Z/P2M', false), [{ begin: VALUES[0], end: VALUES[2] }]);
    assert.deepEqual(selectTimes(series, '2020-03-01,2020-01-01', false), [
      { begin: VALUES[0], end: '2020-01-01T23:59:59.999Z' },
      { begin: VALUES[2], end: '2020-03-01T23:59:59.999Z' },
    ]);
    assert.deepEqual(spanOf(selectTimes(series, '2020-03-01,2020-01-01', false)), { begin: VALUES[0], end: '2020-03-01T23:59:59.999Z' });
  });

  it('answers InvalidDimensionValue for a time without data, in a list too, and for text that is no time', () => {
    assert.equal(code(() => selectTimes(series, '2019-06-01', false))?.code, 'InvalidDimensionValue');
    assert.match(code(() => selectTimes(series, '2020-01-01,2021-01-01', false))!.message, /no data at TIME '2021-01-01'/);
    assert.equal(code(() => selectTimes(series, '2020-01-02T00:00:00Z/2020-02-28T00:00:00Z/PT7H', false))?.code, 'InvalidDimensionValue');
    assert.deepEqual(code(() => selectTimes(series, 'yesterday', false))?.code, 'InvalidDimensionValue');
    assert.equal(code(() => selectTimes(series, 'yesterday', false))?.locator, 'TIME');
  });
});
