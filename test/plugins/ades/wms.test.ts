/**
 * Results are viewable: an NDVI computed through the ADES on a catalogue product is registered in
 * the results collection, which the coverages engine serves as a series, and WMS draws it for its
 * owner (and for nobody else: the product is private to them).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { makeCog, startAdes, type AdesHarness } from './support.js';

// The results collection holds Float32 rasters of no known range: a style with one, -1 to 1.
const NDVI_STYLE = { name: 'ndvi', type: 'ramp', band: 1, min: -1, max: 1, stops: [{ value: -1, color: '#a50026' }, { value: 0, color: '#ffffbf' }, { value: 1, color: '#006837' }] };

for (const kind of testDatabaseKinds().slice(0, 1)) {
  describe(`ades results over WMS (${kind.name})`, function () {
    this.timeout(120_000);
    let h: AdesHarness;
    before(async () => {
      h = await startAdes(kind, { inline: { log: { level: process.env.ADES_LOG ?? 'silent' } }, plugins: { coverages: { sampleRasters: false, refreshSeconds: 0, workers: 1, catalogue: { styles: { 'processing-results': [NDVI_STYLE] } } }, wms: {} } });
      const blobs = h.server.meridian.stores.blobs as typeof h.server.meridian.stores.blobs & { localPath(key: string): string };
      await blobs.put('workspaces/alice/scene.tif', readFileSync(makeCog()));
      await h.catalogue.upsert([
        { identifier: 'scenes', type: 'collection', visibility: 'public' },
        { identifier: 'scene-1', type: 'product', parentIdentifier: 'scenes', start: '2026-06-01T10:00:00Z', geometry: { type: 'Polygon', coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] }, visibility: 'public', assets: { data: { href: blobs.localPath('workspaces/alice/scene.tif'), type: 'image/tiff; application=geotiff', roles: ['data'] } } },
      ]);
    });
    after(async () => h?.close());

    it('draws the catalogued result of a job for its owner', async () => {
      const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: 'scene-1' } } });
      assert.equal(res.status, 200, res.text);
      const coverages = h.server.meridian.plugins.find((p) => p.name === 'coverages')!.instance.provide!.coverages as { refresh(): Promise<void> };
      await coverages.refresh();
      const query = 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=processing-results&STYLES=&CRS=CRS:84&BBOX=10,49,11,50&WIDTH=32&HEIGHT=32&FORMAT=image/png&TRANSPARENT=TRUE';
      const map = await h.request('GET', `${h.server.url}/wms?${query}`, { as: 'alice' });
      assert.equal(map.status, 200, map.text);
      assert.equal(map.headers.get('content-type'), 'image/png');
      const { data, info } = await sharp(map.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const alpha = (x: number, y: number) => data[(y * info.width + x) * 4 + 3]!;
      assert.ok(alpha(16, 16) > 0, 'the result is drawn');
      // NDVI (50 - 10) / (50 + 10) = 0.667 on the ramp from #ffffbf (0) to #006837 (1): about (85, 154, 100).
      const [r, g, b] = [0, 1, 2].map((c) => data[(16 * info.width + 16) * 4 + c]!);
      assert.ok(Math.abs(r! - 85) <= 6 && Math.abs(g! - 154) <= 6 && Math.abs(b! - 100) <= 6, `pixel ${r},${g},${b}`);
      // Bob finds no granule of his own there: nothing drawn.
      const other = await h.request('GET', `${h.server.url}/wms?${query}`, { as: 'bob' });
      assert.equal(other.status, 200, other.text);
      const theirs = await sharp(other.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      assert.equal(theirs.data[(16 * theirs.info.width + 16) * 4 + 3], 0, 'nothing drawn for another user');
    });
  });
}
