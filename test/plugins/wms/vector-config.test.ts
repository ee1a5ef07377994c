/**
 * Config of vector layers: vectorStyles checked at start-up with errors naming the config path
 * (schema: colours, shapes; compiled: CQL2 that does not parse, spatial predicates, an else rule
 * with a filter, twice the same style name, a rule that draws nothing); vectorMaxFeatures caps
 * what one map draws while pages beyond the engine's maxLimit are read; rule filters on typed
 * properties (a datetime, a number); the WMS without the features engine has no vector layers.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { SAMPLE_VECTOR_STYLES } from '../../../plugins/wms/vector/sample-styles.js';
import { ADMIN, builtinDir, decode, featuresOf, get, near, serviceException, startWms, xpath, type WmsHarness } from './support.js';
import { createVectorFixtures, EVENT } from './vector-fixtures.js';

const MAP = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', STYLES: '', FORMAT: 'image/png', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };

describe('wms vector layers: config', function () {
  this.timeout(60_000);

  it('refuses vectorStyles the schema does not allow, naming the path', async () => {
    const inline = (vectorStyles: unknown) => ({ builtinPlugins: false, plugins: { coverages: { sampleRasters: false }, wms: { vectorStyles } } });
    const refused = async (vectorStyles: unknown, path: RegExp) =>
      assert.rejects(loadConfig({ inline: inline(vectorStyles), builtinDir }), (err: Error) => path.test(err.message) || assert.fail(err.message));
    await refused({ zones: [{ name: 's', rules: [{ fill: { color: 'red' } }] }] }, /plugins\.wms\.vectorStyles\.zones\[0\]\.rules\[0\]\.fill\.color/);
    await refused({ zones: [{ name: 's', rules: [{ point: { shape: 'hexagon' } }] }] }, /plugins\.wms\.vectorStyles\.zones\[0\]\.rules\[0\]\.point\.shape/);
    await refused({ zones: [{ name: 's', rules: [] }] }, /plugins\.wms\.vectorStyles\.zones\[0\]\.rules/);
    await refused({ zones: [{ name: 's', rules: [{ label: { property: 'name; drop' } }] }] }, /plugins\.wms\.vectorStyles\.zones\[0\]\.rules\[0\]\.label\.property/);
    const loaded = await loadConfig({ inline: inline(undefined), builtinDir });
    const config = loaded.plugins.find((p) => p.plugin.name === 'wms')!.config as Record<string, unknown>;
    // The default styles are those of the sample collections.
    assert.deepEqual([config.vectorStyles, config.vectorMaxFeatures, config.featureInfoTolerance], [SAMPLE_VECTOR_STYLES, 50000, 3]);
  });

  it('refuses to start with rules it cannot draw, naming the rule', async () => {
    const fails = async (rules: unknown[], message: RegExp, styles?: unknown[]) =>
      assert.rejects(startWms({ features: {}, wms: { vectorStyles: { zones: styles ?? [{ name: 's', rules }] } } }), (err: Error) => message.test(err.message) || assert.fail(err.message));
    await fails([{ filter: "kind = 'forest", fill: { color: '#00ff00' } }], /plugins\.wms\.vectorStyles\.zones\[0\]\.rules\[0\]\.filter/);
    await fails([{ fill: { color: '#00ff00' } }, { filter: 'S_INTERSECTS(geometry, POINT(1 2))', fill: { color: '#00ff00' } }], /rules\[1\]\.filter: .*spatial/);
    await fails([{ else: true, filter: "kind = 'lake'", fill: { color: '#00ff00' } }], /rules\[0\]: .*else/);
    await fails([{ minScale: 1000, maxScale: 10, fill: { color: '#00ff00' } }], /rules\[0\]: minScale/);
    await fails([{ title: 'nothing' }], /rules\[0\]: a rule needs fill, stroke, point or label/);
    await fails([], /zones\[1\]\.name: style 's' is named twice/, [{ name: 's', rules: [{ fill: { color: '#000' } }] }, { name: 's', rules: [{ fill: { color: '#000' } }] }]);
  });

  it('has no vector layers without the features engine: a collection name is LayerNotDefined', async () => {
    const h = await startWms();
    try {
      const res = await get(h.url, { ...MAP, LAYERS: 'zones' });
      assert.equal(serviceException(res.text).code, 'LayerNotDefined');
    } finally {
      await h.close();
    }
  });

  describe('drawing limits and typed rule filters', () => {
    let h: WmsHarness;
    before(async () => {
      h = await startWms({
        // Pages of 2 features from the engine: a map of 5 reads 3 pages.
        features: { maxLimit: 2 },
        wms: {
          vectorMaxFeatures: 4,
          vectorStyles: {
            dots: [{ name: 'dots', rules: [{ point: { size: 10, fill: { color: '#00a050' } } }] }],
            events: [
              {
                name: 'by-time',
                rules: [
                  { filter: "when >= TIMESTAMP('2021-02-01T00:00:00Z')", point: { size: 10, fill: { color: '#00a050' } } },
                  { filter: 'label LIKE \'J%\'', point: { size: 10, fill: { color: '#ff0000' } } },
                ],
              },
            ],
          },
        },
      });
      const features = featuresOf(h);
      await createVectorFixtures(features);
      await features.createCollection({ id: 'dots', geometryType: 'Point', properties: [{ name: 'n', type: 'integer' }] }, ADMIN);
      await features.transaction([{ op: 'insert', collection: 'dots', features: [1, 2, 3, 4, 5].map((n) => ({ geometry: { type: 'Point', coordinates: [n * 3, 50] }, properties: { n } })) }], ADMIN);
    });
    after(async () => h?.close());

    it('reads past the engine page size and draws vectorMaxFeatures features at most', async () => {
      const img = await decode((await get(h.url, { ...MAP, LAYERS: 'dots' })).body);
      // Dots at lon 3, 6, 9, 12, 15 on lat 50: pixels (30, 100) ... (150, 100); the fifth is beyond the limit.
      assert.deepEqual([30, 60, 90, 120, 150].map((x) => near(img.at(x, 100), EVENT, 2)), [true, true, true, true, false]);
    });

    it('compares rule filters as the properties are typed (a datetime, text patterns)', async () => {
      const img = await decode((await get(h.url, { ...MAP, LAYERS: 'events', STYLES: 'by-time' })).body);
      // January (3, 58) red by the second rule; February (9, 59) and March (15, 58.5) green by the first.
      assert.deepEqual(img.at(30, 20), [255, 0, 0, 255]);
      assert.ok(near(img.at(90, 10), EVENT, 2) && near(img.at(150, 15), EVENT, 2));
      const caps = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' });
      assert.deepEqual(xpath(caps.text, "//wms:Layer[wms:Name='events']/wms:Style/wms:Name"), ['by-time']);
    });
  });
});
