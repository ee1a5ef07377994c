/**
 * The HTML pages in a real headless Chromium (its --dump-dom prints the DOM it built from the
 * page): every page of the API loads, shows its title, tables and links, and leads to the next
 * one; the pages hold no script and load nothing else (no external assets).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, GRID, gridFeatures, PLACES, run, startFeaturesApi, townFeatures, type FeaturesApiHarness } from './support.js';

const CHROMIUM = '/usr/bin/chromium';

describe('ogcapi-features HTML pages in headless Chromium', function () {
  this.timeout(180_000);
  let h: FeaturesApiHarness;
  let profile: string;
  before(async () => {
    h = await startFeaturesApi(testDatabaseKinds()[0]!);
    await addCollection(h.features, PLACES, townFeatures());
    await addCollection(h.features, GRID, gridFeatures(25));
    profile = mkdtempSync(path.join(tmpdir(), 'meridian-chromium-'));
  });
  after(async () => {
    await h?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** The DOM Chromium builds from a URL loaded as a browser would (its own Accept header, no f). */
  async function dom(url: string): Promise<string> {
    const res = await run(CHROMIUM, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--virtual-time-budget=5000',
      '--dump-dom',
      url,
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^<!DOCTYPE html>/i, res.stdout.slice(0, 500));
    return res.stdout;
  }

  const hrefs = (html: string) => [...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

  it('shows the landing page with its links to the collections, the conformance classes and the API definition', async () => {
    const page = await dom(h.base);
    assert.match(page, /<title>Meridian features<\/title>/);
    assert.match(page, /<h1>Meridian features<\/h1>/);
    const links = hrefs(page);
    assert.ok(links.includes(`${h.base}/collections`), links.join('\n'));
    assert.ok(links.includes(`${h.base}/conformance`));
    assert.ok(links.includes(`${h.server.url}/openapi.json`));
  });

  it('shows the conformance classes as a table of links', async () => {
    const page = await dom(`${h.base}/conformance`);
    assert.match(page, /<h1>Conformance classes<\/h1>/);
    assert.ok(hrefs(page).includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
    assert.ok((page.match(/<tr>/g) ?? []).length >= 10);
  });

  it('walks from the collections to a collection, its items, a feature and the queryables', async () => {
    const collections = await dom(`${h.base}/collections`);
    assert.match(text(collections), /Places places Swiss towns, with a property of each type features/);
    const collectionUrl = hrefs(collections).find((u) => u.startsWith(`${h.base}/collections/places?`))!;
    const collection = await dom(collectionUrl);
    assert.match(collection, /<h1>Places<\/h1>/);
    assert.match(text(collection), /Features 8/);
    assert.match(text(collection), /population integer Population/);
    const itemsUrl = hrefs(collection).find((u) => u.startsWith(`${h.base}/collections/places/items?`))!;
    const items = await dom(itemsUrl);
    assert.match(items, /<h1>Features of Places<\/h1>/);
    assert.equal((items.match(/<tr><td><a /g) ?? []).length, 8);
    assert.match(text(items), /t1 Zürich 421000 87\.88 false 1218-01-01 2020-02-15T12:00:00\.000Z ZH Point/);
    assert.match(text(items), /Features 1 to 8 of 8\./);
    const featureUrl = hrefs(items).find((u) => u.includes('/items/t1'))!;
    const feature = await dom(featureUrl);
    assert.match(feature, /<h1>Feature t1<\/h1>/);
    assert.match(text(feature), /name Zürich/);
    assert.match(text(feature), /Point in http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84/);
    const queryables = await dom(hrefs(collection).find((u) => u.includes('/queryables'))!);
    assert.match(text(queryables), /geometry geometry-point Geometry/);
    assert.match(text(queryables), /observed string date-time/);
  });

  it('pages items with next and previous links that Chromium follows', async () => {
    const first = await dom(`${h.base}/collections/grid/items?limit=10`);
    assert.match(text(first), /Features 1 to 10 of 25\./);
    const next = hrefs(first).find((u) => u.includes('offset=10'))!;
    const second = await dom(next);
    assert.match(text(second), /Features 11 to 20 of 25\./);
    assert.ok(hrefs(second).some((u) => u.includes('offset=0')));
  });

  it('escapes values and loads no script or external asset', async () => {
    await h.features.transaction([{ op: 'insert', collection: 'grid', features: [{ id: 'x', geometry: null, properties: { value: 1, label: '<script>alert(1)</script> & "quotes"' } }] }], (await import('./support.js')).admin);
    for (const url of [h.base, `${h.base}/collections`, `${h.base}/collections/grid`, `${h.base}/collections/grid/items?limit=100`, `${h.base}/collections/grid/items/x`, `${h.base}/collections/grid/queryables`]) {
      const res = await h.get(url, { Accept: 'text/html' });
      assert.match(res.headers.get('content-type')!, /^text\/html; charset=utf-8/);
      assert.doesNotMatch(res.text, /<script|<img|<iframe|rel="stylesheet"|src=/i, url);
      assert.match(res.text, /^<!doctype html>\n<html lang="en"><head><meta charset="utf-8">/);
      assert.match(res.text, /<\/body><\/html>\n$/);
    }
    const page = await dom(`${h.base}/collections/grid/items/x`);
    assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; "quotes"/);
  });
});
