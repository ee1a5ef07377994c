import assert from 'node:assert/strict';
import { decodeWkb, encodeWkb, storedGeometry } from '../../../../../core/storage/db/geometry/index.js';
import type { GeoJSONGeometry } from '../../../../../core/storage/db/types.js';
import { testDatabaseKinds } from '../../../../helpers/databases.js';

const SAMPLES: GeoJSONGeometry[] = [
  { type: 'Point', coordinates: [1.5, -2.25] },
  { type: 'LineString', coordinates: [[0, 0], [1e-9, 1e9], [-180, 90]] },
  { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]] },
  { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
  { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3], [4, 2]]] },
  { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] },
  { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [7, 8] }, { type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: [[0, 0], [1, 0]] }] }] },
];

describe('core/storage/db/geometry/wkb', () => {
  it('round-trips every geometry type exactly', () => {
    for (const g of SAMPLES) assert.deepEqual(decodeWkb(encodeWkb(g)), g, g.type);
  });

  it('writes little-endian ISO WKB: a point is 21 bytes, type 1', () => {
    const wkb = encodeWkb({ type: 'Point', coordinates: [1, 2] });
    assert.equal(wkb.toString('hex'), '0101000000000000000000f03f0000000000000040');
  });

  it('reads big-endian WKB, EWKB with an SRID and Z, and ISO Z (dropping Z)', () => {
    // POINT(1 2) big-endian.
    assert.deepEqual(decodeWkb(Buffer.from('00000000013ff00000000000004000000000000000', 'hex')), { type: 'Point', coordinates: [1, 2] });
    // SRID=4326;POINT Z (1 2 3) as PostGIS ST_AsEWKB writes it.
    assert.deepEqual(decodeWkb(Buffer.from('01010000a0e6100000000000000000f03f00000000000000400000000000000840', 'hex')), { type: 'Point', coordinates: [1, 2] });
    // ISO LINESTRING Z (1 2 3, 4 5 6): type 1002.
    const iso = Buffer.from('01ea03000002000000000000000000f03f00000000000000400000000000000840000000000000104000000000000014400000000000001840', 'hex');
    assert.deepEqual(decodeWkb(iso), { type: 'LineString', coordinates: [[1, 2], [4, 5]] });
  });

  it('refuses truncated or trailing bytes and unknown types', () => {
    const wkb = encodeWkb({ type: 'LineString', coordinates: [[0, 0], [1, 1]] });
    assert.throws(() => decodeWkb(wkb.subarray(0, wkb.length - 4)));
    assert.throws(() => decodeWkb(Buffer.concat([wkb, Buffer.from([0])])));
    assert.throws(() => decodeWkb(Buffer.from('0109000000', 'hex')));
  });

  it('storedGeometry reads GeoJSON text, WKB bytes and NULL', () => {
    const g = SAMPLES[2]!;
    assert.deepEqual(storedGeometry(JSON.stringify(g)), g);
    assert.deepEqual(storedGeometry(encodeWkb(g)), g);
    assert.equal(storedGeometry(null), null);
  });
});

/** WKT of a sample, written here independently of the codec. */
function wkt(g: GeoJSONGeometry): string {
  const pos = (p: number[]) => `${p[0]} ${p[1]}`;
  const list = (ps: number[][]) => `(${ps.map(pos).join(', ')})`;
  const rings = (rs: number[][][]) => `(${rs.map(list).join(', ')})`;
  const c = g.coordinates as never;
  switch (g.type) {
    case 'Point':
      return `POINT(${pos(c)})`;
    case 'LineString':
      return `LINESTRING${list(c)}`;
    case 'Polygon':
      return `POLYGON${rings(c)}`;
    case 'MultiPoint':
      return `MULTIPOINT${list(c)}`;
    case 'MultiLineString':
      return `MULTILINESTRING${rings(c)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON(${(c as number[][][][]).map(rings).join(', ')})`;
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION(${(g.geometries ?? []).map(wkt).join(', ')})`;
  }
}

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');
if (postgres) {
  describe('core/storage/db/geometry/wkb against PostGIS', () => {
    it('PostGIS reads what encodeWkb writes, and decodeWkb what PostGIS writes', async () => {
      const t = await postgres.open();
      try {
        for (const g of SAMPLES) {
          const sql = 'SELECT ST_AsText(g) AS text, ST_AsBinary(g) AS wkb, ST_AsEWKB(ST_SetSRID(g, 4326)) AS ewkb, ST_AsText(ST_GeomFromText(?)) AS expected FROM (SELECT ST_GeomFromWKB(?) AS g) AS q';
          const { rows } = (await t.db.knex.raw(sql, [wkt(g), encodeWkb(g)])) as { rows: Array<{ text: string; wkb: Buffer; ewkb: Buffer; expected: string }> };
          assert.equal(rows[0]!.text, rows[0]!.expected, g.type);
          assert.deepEqual(decodeWkb(rows[0]!.wkb), g, g.type);
          assert.deepEqual(decodeWkb(rows[0]!.ewkb), g, g.type);
        }
      } finally {
        await t.dispose();
      }
    });
  });
}
