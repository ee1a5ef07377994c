import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { transformBbox, transformPoint, transformPoints } from '../../../../core/ows/crs/transform.js';
import { lookupCrs } from '../../../../core/ows/crs/registry.js';
import { existsSync } from 'node:fs';
import { missingGrids, registerGridDirectory } from '../../../../core/ows/crs/proj.js';
import { OwsException } from '../../../../core/ows/exceptions.js';

function near(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance, `${actual.join(', ')} should be within ${tolerance} of ${expected.join(', ')}`));
}

// Expected values computed with PROJ 9 (cs2cs), an independent implementation.
describe('core/ows/crs/transform', () => {
  it('transforms WGS 84 to Web Mercator (EPSG:3857)', () => {
    near(transformPoint([10, 50], 'EPSG:4326', 'EPSG:3857'), [1113194.91, 6446275.84], 0.01);
    near(transformPoint([0, 0], 'CRS:84', 'EPSG:900913'), [0, 0], 1e-6);
  });

  it('transforms WGS 84 to UTM zone 32N (EPSG:32632)', () => {
    near(transformPoint([9, 45], 'EPSG:4326', 'EPSG:32632'), [500000, 4982950.4002], 0.001);
    near(transformPoint([12, 48], 'urn:ogc:def:crs:EPSG::4326', 'EPSG:32632'), [723775.9154, 5320655.7892], 0.001);
  });

  it('transforms to Lambert-93, LAEA Europe and the NSIDC polar stereographic', () => {
    near(transformPoint([2.3522, 48.8566], 'EPSG:4326', 'EPSG:2154'), [652469.0227, 6862035.2594], 0.01);
    near(transformPoint([10, 52], 'EPSG:4326', 'EPSG:3035'), [4321000, 3210000], 0.001);
    near(transformPoint([-40, 75], 'EPSG:4326', 'EPSG:3413'), [142401.9812, -1627662.0927], 0.01);
  });

  it('round-trips through the inverse', () => {
    const [x, y] = transformPoint([7.5, 51.2], 'EPSG:4326', 'EPSG:25832');
    near(transformPoint([x, y], 'EPSG:25832', 'EPSG:4326'), [7.5, 51.2], 1e-8);
  });

  it('transforms many points at once and marks points outside the domain as NaN', () => {
    const out = transformPoints([[0, 0], [0, 89.9999999999]], 'EPSG:4326', 'EPSG:3857');
    near(out[0], [0, 0], 1e-6);
    const polar = transformPoint([0, 90], 'EPSG:4326', 'EPSG:3857');
    assert.ok(Number.isNaN(polar[0]) || !Number.isFinite(polar[1]) || Math.abs(polar[1]) > 1e7);
  });

  it('transforms a bbox by densifying its edges, so curved edges are covered', () => {
    // A Lambert-93 box's parallels bow in geographic coordinates; corners alone would miss the extent.
    const [minx, miny, maxx, maxy] = transformBbox([-5, 42, 8, 51], 'EPSG:4326', 'EPSG:2154');
    const corners = [[-5, 42], [8, 42], [-5, 51], [8, 51]].map((p) => transformPoint(p as [number, number], 'EPSG:4326', 'EPSG:2154'));
    assert.ok(miny < Math.min(...corners.map((c) => c[1])), 'southern edge bows below the corners');
    assert.ok(minx <= Math.min(...corners.map((c) => c[0])) && maxx >= Math.max(...corners.map((c) => c[0])) && maxy >= Math.max(...corners.map((c) => c[1])));
  });

  it('covers the pole when a box around it goes to a polar projection', () => {
    const [minx, miny, maxx, maxy] = transformBbox([-180, 80, 180, 90], 'EPSG:4326', 'EPSG:3413');
    assert.ok(minx < 0 && maxx > 0 && miny < 0 && maxy > 0, 'the pole (0, 0 in EPSG:3413) lies inside');
  });

  it('refuses a box wholly outside the target domain, and CRSs proj4 cannot express', () => {
    assert.throws(() => transformBbox([0, 89.99999999999, 0, 90], 'EPSG:4326', 'EPSG:3857'), (e: unknown) => e instanceof OwsException);
    assert.throws(() => transformPoint([0, 0], 'EPSG:4326', 'EPSG:6247'), (e: unknown) => e instanceof OwsException && /Cannot transform/.test(e.message));
  });

  it('transforms grid-based CRSs without the grid rather than failing, says so, and uses the grid once registered', function () {
    const dhdn = lookupCrs('EPSG:31466')!.crs;
    // PROJ with the BETA2007 grid: easting 2563356.6, northing 5640907.9.
    const expected = [2563356.6, 5640907.9];
    assert.deepEqual(missingGrids(dhdn), ['BETA2007.gsb']);
    near(transformPoint([6.9, 50.9], 'EPSG:4326', dhdn), expected, 300);
    const gridDir = '/usr/share/proj';
    if (!existsSync(`${gridDir}/BETA2007.gsb`)) return;
    assert.ok(registerGridDirectory(gridDir) > 0);
    assert.deepEqual(missingGrids(dhdn), []);
    near(transformPoint([6.9, 50.9], 'EPSG:4326', dhdn), expected, 1);
  });
});
