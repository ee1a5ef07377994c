/**
 * The built-in tile matrix sets against their OGC 17-083r2 definitions, sets from config, and the
 * tile arithmetic (tile grids, ranges, limits) GetTile and the capabilities share.
 */
import assert from 'node:assert/strict';
import { layerTiling, validRange } from '../../../plugins/wmts/layer-tiling.js';
import { buildTileMatrixSets, pixelCentre, tileBbox, tileGrid, tileRangeOf } from '../../../plugins/wmts/tile-matrix-sets.js';
import { transformBbox } from '../../../core/ows/index.js';
import type { Bbox } from '../../../plugins/coverages/types.js';
import type { CrsDefinition } from '../../../core/ows/index.js';

const toCrs84 = (bbox: Bbox, crs: CrsDefinition) => transformBbox(bbox, crs, 'OGC:CRS84');
const close = (actual: number, expected: number, tolerance = 1e-6) => assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} is not ${expected}`);

describe('wmts tile matrix sets', () => {
  const [mercator, crs84] = buildTileMatrixSets(['WebMercatorQuad', 'WorldCRS84Quad'], toCrs84);

  it('WebMercatorQuad: EPSG:3857, GoogleMapsCompatible scales, 2^z x 2^z tiles of 256 from the top-left of the square world', () => {
    assert.equal(mercator!.id, 'WebMercatorQuad');
    assert.equal(mercator!.crs.id, 'EPSG:3857');
    assert.equal(mercator!.supportedCrs, 'urn:ogc:def:crs:EPSG::3857');
    assert.equal(mercator!.wellKnownScaleSet, 'urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible');
    assert.equal(mercator!.matrices.length, 19);
    const z0 = mercator!.matrices[0]!;
    close(z0.scaleDenominator, 559082264.0287178);
    close(z0.cellSize, 156543.03392804097);
    close(z0.topLeft[0], -20037508.3427892);
    close(z0.topLeft[1], 20037508.3427892);
    assert.deepEqual([z0.matrixWidth, z0.matrixHeight, z0.tileWidth, z0.tileHeight], [1, 1, 256, 256]);
    const z18 = mercator!.matrices[18]!;
    close(z18.scaleDenominator, 2132.72958384811);
    assert.deepEqual([z18.id, z18.matrixWidth, z18.matrixHeight], ['18', 262144, 262144]);
    close(mercator!.wgs84Extent[3], 85.0511287798066);
  });

  it('WorldCRS84Quad: CRS84, 2x1 tiles at level 0, 0.703125 degree pixels and scale 279541132.0143589', () => {
    assert.equal(crs84!.crs.id, 'OGC:CRS84');
    assert.equal(crs84!.supportedCrs, 'urn:ogc:def:crs:OGC:1.3:CRS84');
    const z0 = crs84!.matrices[0]!;
    close(z0.scaleDenominator, 279541132.0143589);
    close(z0.cellSize, 0.703125);
    assert.deepEqual(z0.topLeft, [-180, 90]);
    assert.deepEqual([z0.matrixWidth, z0.matrixHeight], [2, 1]);
    const z3 = crs84!.matrices[3]!;
    assert.deepEqual([z3.matrixWidth, z3.matrixHeight], [16, 8]);
    close(z3.scaleDenominator, 34942641.501794859);
    assert.equal(crs84!.matrices.length, 18);
  });

  it('a built-in set with a chosen deepest level', () => {
    const [m] = buildTileMatrixSets([{ id: 'WebMercatorQuad', maxLevel: 5 }], toCrs84);
    assert.deepEqual(m!.matrices.map((x) => x.id), ['0', '1', '2', '3', '4', '5']);
    assert.throws(() => buildTileMatrixSets([{ id: 'WorldCRS84Quad', maxLevel: 24 }], toCrs84), /at most 23/);
  });

  it('a set from config: CRS, extent, resolutions or scale denominators, matrix sizes covering the extent', () => {
    const [utm] = buildTileMatrixSets(
      [{ id: 'UTM31', crs: 'EPSG:32631', extent: [166021, 0, 833979, 9329005], tileWidth: 512, tileHeight: 512, resolutions: [2048, 1024, 512] }],
      toCrs84,
    );
    assert.equal(utm!.supportedCrs, 'urn:ogc:def:crs:EPSG::32631');
    const [l0, , l2] = utm!.matrices;
    assert.deepEqual(l0!.topLeft, [166021, 9329005]);
    assert.equal(l0!.matrixWidth, Math.ceil((833979 - 166021) / (512 * 2048)));
    assert.equal(l0!.matrixHeight, Math.ceil(9329005 / (512 * 2048)));
    assert.equal(l2!.matrixHeight, Math.ceil(9329005 / (512 * 512)));
    close(l0!.scaleDenominator, (2048 * 1) / 0.00028);
    const [byScale] = buildTileMatrixSets([{ id: 'S', crs: 'EPSG:4326', extent: [-10, 40, 10, 60], scaleDenominators: [279541132.0143589], matrixIds: ['top'] }], toCrs84);
    close(byScale!.matrices[0]!.cellSize, 0.703125);
    assert.equal(byScale!.matrices[0]!.id, 'top');
    assert.throws(() => buildTileMatrixSets([{ id: 'X', crs: 'EPSG:3857', extent: [0, 0, 1, 1], resolutions: [1, 2] }], toCrs84), /coarsest to finest/);
    assert.throws(() => buildTileMatrixSets(['WebMercatorQuad', 'WebMercatorQuad'], toCrs84), /configured twice/);
  });

  it('tile grids: origin, pixel size and pixel centres of a tile', () => {
    const z1 = mercator!.matrices[1]!;
    const grid = tileGrid(mercator!, z1, 1, 0);
    assert.equal(grid.crs, 'EPSG:3857');
    assert.deepEqual([grid.width, grid.height], [256, 256]);
    close(grid.transform[0], -20037508.3427892);
    close(grid.transform[3], 0, 1e-9);
    close(grid.transform[1], 78271.51696402048);
    close(grid.transform[5], -78271.51696402048);
    const [x, y] = pixelCentre(z1, 1, 0, 0, 0);
    close(x, -20037508.3427892 + 78271.51696402048 / 2);
    close(y, -78271.51696402048 / 2);
    assert.deepEqual(tileBbox(crs84!.matrices[0]!, 0, 1), [0, -90, 180, 90]);
  });

  it('tile ranges of an area: edges on tile boundaries do not pull in the next tile', () => {
    const z2 = crs84!.matrices[2]!; // 8x4 tiles of 45 degrees
    assert.deepEqual(tileRangeOf(z2, [0, 0, 45, 45]), { minRow: 1, maxRow: 1, minCol: 4, maxCol: 4 });
    assert.deepEqual(tileRangeOf(z2, [-1, -1, 46, 46]), { minRow: 0, maxRow: 2, minCol: 3, maxCol: 5 });
    assert.equal(tileRangeOf(z2, [200, 0, 210, 10]), undefined);
  });

  it("a layer's limits: its CRS84 box in each set; matrices whose range ends at row or column 0 are left out (the schema's positiveInteger) and valid whole", () => {
    const tiling = layerTiling({ wgs84Bbox: [2, 48, 3, 49] }, mercator!);
    assert.ok(tiling.extent);
    close(tiling.extent![0], 222638.98158654713);
    close(tiling.extent![3], 6274861.394006577);
    // Level 0 and 1: one tile, row 0 / column 1 at level 1 → no limits written, the whole matrix valid.
    assert.deepEqual(tiling.dataRanges[1], { minRow: 0, maxRow: 0, minCol: 1, maxCol: 1 });
    assert.equal(tiling.limits[1], undefined);
    assert.deepEqual(validRange(tiling, 1), { minRow: 0, maxRow: 1, minCol: 0, maxCol: 1 });
    // Level 8: columns 129 (2°E) .. 130 (3°E), rows 87 (49°N, y 87.96) .. 88 (48°N, y 88.99).
    assert.deepEqual(tiling.limits[8], { minRow: 87, maxRow: 88, minCol: 129, maxCol: 130 });
    assert.deepEqual(validRange(tiling, 8), tiling.limits[8]);
    const polar = layerTiling({ wgs84Bbox: [-10, 86, 10, 90] }, mercator!);
    assert.equal(polar.extent, undefined);
    assert.ok(polar.dataRanges.every((r) => r === undefined));
  });
});
