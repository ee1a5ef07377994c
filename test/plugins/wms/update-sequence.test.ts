/**
 * The capabilities follow the engine's changes: a file added to or removed from a series shows
 * in the time dimension after the engine's refresh, with a greater updateSequence each time, so a
 * client holding the old value gets the new document.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixtures, get, serviceException, startWms, xpath, type WmsHarness } from './support.js';

describe('wms updateSequence', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    const source = path.join(await fixtures(), 'series');
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-moving-'));
    mkdirSync(path.join(dir, 'series'));
    for (const name of readdirSync(source)) copyFileSync(path.join(source, name), path.join(dir, 'series', name));
    h = await startWms({
      coverages: { coverages: [{ id: 'moving', title: 'Moving', path: path.join(dir, 'series', 'ts_*.tif'), time: { pattern: 'ts_(?<time>\\d{8})\\.tif' } }] },
    });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refresh = async () => {
    const engine = h.server.meridian.plugins.find((p) => p.name === 'coverages')!.instance.provide!.coverages as { refresh(): Promise<void> };
    await engine.refresh();
  };
  const capabilities = async (updateSequence?: string) => {
    const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetCapabilities', VERSION: '1.3.0', ...(updateSequence ? { UPDATESEQUENCE: updateSequence } : {}) });
    return res;
  };
  const state = async () => {
    const res = await capabilities();
    assert.equal(res.status, 200, res.text);
    return {
      sequence: xpath(res.text, '/wms:WMS_Capabilities/@updateSequence')[0]!,
      times: xpath(res.text, "//wms:Layer[wms:Name='moving']/wms:Dimension[@name='time']")[0]!.split(',').length,
    };
  };

  it('increases when a series gains or loses an instant', async () => {
    const first = await state();
    assert.equal(first.times, 3);
    assert.equal(serviceException((await capabilities(first.sequence)).text).code, 'CurrentUpdateSequence');

    copyFileSync(path.join(dir, 'series', 'ts_20200301.tif'), path.join(dir, 'series', 'ts_20200401.tif'));
    await refresh();
    const second = await state();
    assert.equal(second.times, 4);
    assert.ok(Date.parse(second.sequence) > Date.parse(first.sequence), `${second.sequence} after ${first.sequence}`);
    const stale = await capabilities(first.sequence);
    assert.equal(stale.status, 200, 'an older value gets the document');

    rmSync(path.join(dir, 'series', 'ts_20200401.tif'));
    await refresh();
    const third = await state();
    assert.equal(third.times, 3);
    assert.ok(Date.parse(third.sequence) > Date.parse(second.sequence), `${third.sequence} after ${second.sequence}`);
  });
});
