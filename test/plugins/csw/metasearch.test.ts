/**
 * Done when QGIS's CSW search finds the sample products: MetaSearch's own search, through OWSLib,
 * against a server started as `meridian serve` starts it (sample data loaded).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { run, startCsw, type CswHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/metasearch_client.py', import.meta.url));

interface MetaSearchView {
  service: string;
  matches: number;
  returned: number;
  nextrecord: number;
  records: Array<{ identifier: string; type: string; title: string; bbox: { minx: string; miny: string; maxx: string; maxy: string } | null; links: Array<{ url: string }> }>;
  opened: { identifier: string; title: string; abstract: string | null; subjects: string[] } | null;
}

for (const kind of testDatabaseKinds()) {
  describe(`csw as QGIS MetaSearch sees it, over the sample data (${kind.name})`, function () {
    this.timeout(120_000);
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind, { inline: { sampleData: true }, catalogue: { sampleProducts: 200 } });
    });
    after(async () => h?.close());

    const metasearch = async (keywords: string, bbox = ['-180', '-90', '180', '90']): Promise<MetaSearchView> => {
      const res = await run('/usr/bin/python3', [SCRIPT, h.url, keywords, ...bbox]);
      assert.equal(res.code, 0, `MetaSearch's search failed:\n${res.stderr}\n${res.stdout}`);
      return JSON.parse(res.stdout) as MetaSearchView;
    };

    it('finds the sample products by a keyword, with titles, footprints and links, and opens one', async () => {
      const view = await metasearch('Sentinel-2');
      assert.ok(view.matches > 50, `matches ${view.matches}`);
      assert.equal(view.returned, 10);
      assert.equal(view.nextrecord, 11);
      for (const r of view.records) {
        assert.match(r.title, /SENTINEL-2|Sentinel-2/);
        assert.ok(r.bbox, r.identifier);
        assert.ok(Number(r.bbox.minx) <= Number(r.bbox.maxx));
        assert.ok(r.links.length > 0, r.identifier);
      }
      assert.equal(view.opened?.identifier, view.records[0]!.identifier);
      assert.ok(view.opened?.title);
    });

    it('narrows the search to the map extent, as the bbox of the map canvas', async () => {
      const all = await metasearch('');
      const europe = await metasearch('', ['-10', '35', '30', '60']);
      assert.ok(europe.matches > 0 && europe.matches < all.matches, `${europe.matches} of ${all.matches}`);
      for (const r of europe.records) {
        const b = r.bbox!;
        const [minx, miny, maxx, maxy] = [b.minx, b.miny, b.maxx, b.maxy].map(Number) as [number, number, number, number];
        assert.ok(maxx >= -10 && minx <= 30 && maxy >= 35 && miny <= 60, `${r.identifier} ${JSON.stringify(b)}`);
      }
      const both = await metasearch('Landsat', ['-10', '35', '30', '60']);
      assert.ok(both.matches > 0 && both.matches < europe.matches);
      assert.ok(both.records.every((r) => /landsat/i.test(r.title) || r.type === 'series'));
    });
  });
}
