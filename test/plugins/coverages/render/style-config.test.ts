import assert from 'node:assert/strict';
import { createConfigAjv, toIssues } from '../../../../core/config/ajv-issues.js';
import { isCoverageError } from '../../../../plugins/coverages/errors.js';
import {
  defaultStyles,
  describeStyles,
  resolveStyle,
  styleConfigSchema,
  type StyleConfig,
} from '../../../../plugins/coverages/render/index.js';
import type { BandDescription } from '../../../../plugins/coverages/types.js';

const validate = createConfigAjv().compile({ type: 'array', items: styleConfigSchema });
const issues = (styles: unknown[]) => (validate(styles) ? [] : toIssues(validate.errors ?? [], 'styles'));

const s2: BandDescription[] = ['B02', 'B03', 'B04', 'B08'].map((name) => ({ name, sampleType: 'uint16' as const }));

describe('coverages render: style config', () => {
  it('accepts an rgb, a ramp (named or custom stops) and a hillshade style', () => {
    const styles: StyleConfig[] = [
      { name: 'true-color', title: 'True colour', type: 'rgb', bands: ['B04', 'B03', 2], stretch: { min: 0, max: 3000 }, gamma: 1.2 },
      { name: 'per-band', type: 'rgb', bands: [3, 2, 1], stretch: [{ min: 0, max: 3000 }, { percentile: [2, 98] }, { min: 10, max: 2000 }] },
      { name: 'pct', type: 'rgb', bands: [3, 2, 1], stretch: { percentile: [1, 99] } },
      { name: 'nir', type: 'ramp', band: 'B08', ramp: 'magma', percentile: [2, 98], reverse: true, mode: 'discrete' },
      { name: 'classes', type: 'ramp', band: 4, stops: [{ value: 0, color: '#000000' }, { value: 1000, color: '#ff000080' }], mode: 'discrete' },
      { name: 'relief', type: 'hillshade', band: 1, azimuth: 300, altitude: 30, zFactor: 2, ramp: 'terrain', min: 0, max: 3000 },
      { name: 'hs', type: 'hillshade', band: 1 },
    ];
    assert.deepEqual(issues(styles), []);
  });

  it('names an unknown key with the nearest valid one, in the branch of its type', () => {
    assert.deepEqual(issues([{ name: 'a', type: 'rgb', bands: [1, 2, 3], strech: { min: 0, max: 1 } }]), [
      { path: 'styles[0].strech', message: "unknown key; did you mean 'stretch'?" },
    ]);
    assert.deepEqual(issues([{ name: 'a', type: 'hillshade', band: 1, azimut: 10 }]), [
      { path: 'styles[0].azimut', message: "unknown key; did you mean 'azimuth'?" },
    ]);
  });

  it('refuses an unknown type, a missing band, a wrong band count, a bad colour and an unknown ramp', () => {
    assert.deepEqual(issues([{ name: 'a', type: 'rgba', bands: [1, 2, 3] }]), [
      { path: 'styles[0].type', message: 'must be one of: "rgb", "ramp", "hillshade"' },
    ]);
    assert.deepEqual(issues([{ name: 'a', type: 'ramp' }]), [{ path: 'styles[0].band', message: 'is required' }]);
    assert.deepEqual(issues([{ name: 'a', type: 'rgb', bands: [1, 2] }]), [{ path: 'styles[0].bands', message: 'must NOT have fewer than 3 items' }]);
    const colour = issues([{ name: 'a', type: 'ramp', band: 1, stops: [{ value: 0, color: '#ff00' }] }]);
    assert.equal(colour.length, 1);
    assert.equal(colour[0].path, 'styles[0].stops[0].color');
    assert.match(colour[0].message, /must match pattern/);
    assert.deepEqual(issues([{ name: 'a', type: 'ramp', band: 1, ramp: 'jet' }]).map((i) => i.path), ['styles[0].ramp']);
    assert.deepEqual(issues([{ name: 'a', type: 'ramp', band: 0 }]), [{ path: 'styles[0].band', message: 'must be >= 1' }]);
    assert.deepEqual(issues([{ name: 'a,b', type: 'ramp', band: 1 }]).map((i) => i.path), ['styles[0].name']);
    assert.deepEqual(issues([{ name: 'a', type: 'ramp', band: 1, percentile: [2] }]), [{ path: 'styles[0].percentile', message: 'must NOT have fewer than 2 items' }]);
  });

  it('refuses a named ramp next to custom stops (min, max and percentile move the stops)', () => {
    const stops = [{ value: 0, color: '#000000' }];
    assert.deepEqual(issues([{ name: 'a', type: 'ramp', band: 1, stops, min: 0, ramp: 'viridis' }]), [{ path: 'styles[0].ramp', message: 'must NOT be valid' }]);
    assert.deepEqual(issues([{ name: 'a', type: 'ramp', band: 1, stops, percentile: [2, 98], reverse: true }]), []);
  });

  it('rejects a band the coverage does not have with NoSuchBand (a 400), by name or by index', () => {
    for (const band of ['B8A', 5, 0]) {
      assert.throws(
        () => resolveStyle({ name: 'x', type: 'ramp', band }, s2),
        (err: unknown) => isCoverageError(err, 'NoSuchBand') && err.status === 400 && /B8A|5|0/.test(err.message) && err.message.includes('B02'),
      );
    }
    assert.throws(() => resolveStyle({ name: 'x', type: 'rgb', bands: ['B04', 'B03', 'B01'] }, s2), (err: unknown) => isCoverageError(err, 'NoSuchBand'));
  });

  it('resolves band names (any case when unambiguous) and 1-based indexes to the indexes to read', () => {
    const style = resolveStyle({ name: 'tc', type: 'rgb', bands: ['B04', 'b03', 1], stretch: { min: 0, max: 3000 } }, s2);
    assert.deepEqual(style.bands, [2, 1, 0]);
    assert.deepEqual(style.bandNames, ['B04', 'B03', 'B02']);
    assert.equal(style.needsStatistics, false);
    assert.equal(style.title, 'tc');
  });

  it('says when rendering needs the statistics: a percentile, or a range nothing else gives', () => {
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1, percentile: [2, 98] }, s2).needsStatistics, true);
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1 }, s2).needsStatistics, true); // uint16 with no known range
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1, min: 0, max: 1 }, s2).needsStatistics, false);
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1, ramp: 'ndvi' }, s2).needsStatistics, false); // ndvi's own -1..1
    const known: BandDescription[] = [{ name: 'b', sampleType: 'uint16', min: 0, max: 10000 }];
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1 }, known).needsStatistics, false);
    const typeLimits: BandDescription[] = [{ name: 'b', sampleType: 'uint16', min: 0, max: 65535 }];
    assert.equal(resolveStyle({ name: 'a', type: 'ramp', band: 1 }, typeLimits).needsStatistics, true);
    assert.equal(resolveStyle({ name: 'a', type: 'hillshade', band: 1 }, s2).needsStatistics, false);
  });
});

describe('coverages render: default styles', () => {
  it('gives red/green/blue bands an rgb style, 8-bit without stretch', () => {
    const bands: BandDescription[] = [
      { name: 'band1', sampleType: 'uint8', colorInterpretation: 'blue' },
      { name: 'band2', sampleType: 'uint8', colorInterpretation: 'green' },
      { name: 'band3', sampleType: 'uint8', colorInterpretation: 'red' },
      { name: 'band4', sampleType: 'uint8', colorInterpretation: 'alpha' },
    ];
    const styles = defaultStyles(bands);
    assert.deepEqual(styles, [{ name: 'rgb', title: 'Colour composite (band3, band2, band1)', type: 'rgb', bands: [3, 2, 1] }]);
    assert.deepEqual(issues(styles), []);
  });

  it('gives 16-bit multispectral bands an rgb of the first three with a 2-98 percentile stretch', () => {
    const [style] = defaultStyles(s2);
    assert.equal(style.type, 'rgb');
    assert.deepEqual(style.type === 'rgb' && style.stretch, { percentile: [2, 98] });
  });

  it('gives one band greys (gray or 8-bit) or viridis, with its known range or percentiles', () => {
    assert.deepEqual(defaultStyles([{ name: 'pan', sampleType: 'uint8' }]), [{ name: 'greys', title: 'pan: greys', type: 'ramp', band: 1, ramp: 'greys' }]);
    assert.deepEqual(defaultStyles([{ name: 'temp', sampleType: 'float32', unit: 'K', min: 250, max: 320 }]), [
      { name: 'viridis', title: 'temp: viridis', type: 'ramp', band: 1, ramp: 'viridis' },
    ]);
    assert.deepEqual(defaultStyles([{ name: 'ndvi', sampleType: 'float32' }])[0], { name: 'viridis', title: 'ndvi: viridis', type: 'ramp', band: 1, ramp: 'viridis', percentile: [2, 98] });
  });

  it('gives an elevation band terrain tints, a hillshade and a shaded relief, all valid config', () => {
    const dem: BandDescription[] = [{ name: 'band1', sampleType: 'int16', unit: 'm' }];
    const styles = defaultStyles(dem);
    assert.deepEqual(styles.map((s) => `${s.name}:${s.type}`), ['terrain:ramp', 'hillshade:hillshade', 'shaded-relief:hillshade']);
    assert.deepEqual(issues(styles), []);
    assert.deepEqual(defaultStyles([{ name: 'elevation', sampleType: 'float32' }]).map((s) => s.name), ['terrain', 'hillshade', 'shaded-relief']);
    for (const style of styles) resolveStyle(style, dem);
  });

  it('describes styles for capabilities with the default marked', () => {
    const styles = defaultStyles([{ name: 'dem', sampleType: 'float32' }]);
    assert.deepEqual(describeStyles(styles).map((d) => [d.name, d.default]), [['terrain', true], ['hillshade', false], ['shaded-relief', false]]);
    assert.deepEqual(describeStyles(styles, 'hillshade').map((d) => d.default), [false, true, false]);
  });
});
