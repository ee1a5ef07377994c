import assert from 'node:assert/strict';
import knexFactory, { type Knex } from 'knex';
import { prepareGeometry } from '../../../core/storage/db/geometry/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import { crosses, equalsTopologically, overlaps, touches, within } from '../../../core/filter/relate.js';
import { seededRandom } from '../../../core/seeded-random.js';

const square = (x: number, y: number, s: number): GeoJSONGeometry => ({ type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] });
const w = (a: GeoJSONGeometry, b: GeoJSONGeometry) => within(prepareGeometry(a), prepareGeometry(b));


/** Small shapes on a coarse grid, so edges often touch, overlap and share vertices. */
function randomGeometry(rnd: () => number): GeoJSONGeometry {
  const c = () => Math.floor(rnd() * 7);
  const kind = Math.floor(rnd() * 6);
  const x = c();
  const y = c();
  const s = 1 + Math.floor(rnd() * 4);
  switch (kind) {
    case 0:
      return { type: 'Point', coordinates: [x, y] };
    case 1:
      return { type: 'LineString', coordinates: [[x, y], [c(), c()], [c(), c()]].filter((p, i, all) => i === 0 || p[0] !== all[i - 1]![0] || p[1] !== all[i - 1]![1]) };
    case 2:
      return square(x, y, s);
    case 3:
      return { type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x, y + s], [x, y]]] };
    case 4:
      if (s < 2) return square(x, y, s);
      return { type: 'Polygon', coordinates: [[[x, y], [x + 2 * s, y], [x + 2 * s, y + 2 * s], [x, y + 2 * s], [x, y]], [[x + 1, y + 1], [x + 1, y + 2], [x + 2, y + 2], [x + 2, y + 1], [x + 1, y + 1]]] };
    default:
      return { type: 'MultiPoint', coordinates: [[x, y], [c(), c()]] };
  }
}

describe('spatial relations in memory (relate)', () => {
  it('finds a polygon within a larger one and not within a smaller one', () => {
    assert.equal(w(square(1, 1, 2), square(0, 0, 4)), true);
    assert.equal(w(square(0, 0, 4), square(1, 1, 2)), false);
  });

  it('counts a polygon within its equal, and a shared edge as no obstacle', () => {
    assert.equal(w(square(0, 0, 2), square(0, 0, 2)), true);
    assert.equal(w(square(0, 0, 2), square(0, 0, 4)), true);
    assert.equal(equalsTopologically(prepareGeometry(square(0, 0, 2)), prepareGeometry({ type: 'Polygon', coordinates: [[[0, 0], [0, 2], [2, 2], [2, 0], [1, 0], [0, 0]]] })), true);
  });

  it('refuses a polygon covering a hole, and a line on the boundary only', () => {
    const holed: GeoJSONGeometry = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
    assert.equal(w(square(3, 3, 4), holed), false);
    assert.equal(w(square(1, 1, 2), holed), true);
    assert.equal(w({ type: 'LineString', coordinates: [[0, 0], [4, 0]] }, square(0, 0, 4)), false);
    assert.equal(w({ type: 'LineString', coordinates: [[0, 0], [4, 4]] }, square(0, 0, 4)), true);
  });

  it('refuses a line leaving a concave polygon between two vertices inside it', () => {
    const u: GeoJSONGeometry = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
    assert.equal(w({ type: 'LineString', coordinates: [[0.5, 2], [2.5, 2]] }, u), false);
    assert.equal(w({ type: 'LineString', coordinates: [[0.5, 0.5], [2.5, 0.5]] }, u), true);
  });

  it('finds points within lines only away from the line ends', () => {
    const line: GeoJSONGeometry = { type: 'LineString', coordinates: [[0, 0], [2, 2]] };
    assert.equal(w({ type: 'Point', coordinates: [1, 1] }, line), true);
    assert.equal(w({ type: 'Point', coordinates: [0, 0] }, line), false);
    assert.equal(w({ type: 'LineString', coordinates: [[0, 0], [1, 1]] }, line), true);
  });

  it('finds touching, crossing and overlapping shapes', () => {
    const p = prepareGeometry;
    assert.equal(touches(p(square(0, 0, 2)), p(square(2, 0, 2))), true);
    assert.equal(touches(p(square(0, 0, 2)), p(square(1, 0, 2))), false);
    assert.equal(overlaps(p(square(0, 0, 2)), p(square(1, 0, 2))), true);
    assert.equal(crosses(p({ type: 'LineString', coordinates: [[-1, 1], [3, 1]] }), p(square(0, 0, 2))), true);
    assert.equal(crosses(p({ type: 'LineString', coordinates: [[0, 0], [2, 2]] }), p({ type: 'LineString', coordinates: [[0, 2], [2, 0]] })), true);
    assert.equal(overlaps(p({ type: 'LineString', coordinates: [[0, 0], [2, 0]] }), p({ type: 'LineString', coordinates: [[1, 0], [3, 0]] })), true);
    assert.equal(touches(p({ type: 'Point', coordinates: [0, 0] }), p({ type: 'LineString', coordinates: [[0, 0], [2, 0]] })), true);
  });

  const pg = process.env.MERIDIAN_TEST_PG;
  const relations = { within, contains: (a: Parameters<typeof within>[0], b: Parameters<typeof within>[1]) => within(b, a), equals: equalsTopologically, touches, crosses, overlaps };
  for (const [name, relation] of Object.entries(relations)) {
    (pg ? it : it.skip)(`agrees with PostGIS ST_${name} on random pairs of touching and overlapping shapes`, async function () {
      this.timeout(60_000);
      const knex: Knex = knexFactory({ client: 'pg', connection: pg, pool: { min: 0, max: 1 } });
      try {
        const rnd = seededRandom(7);
        const pairs = Array.from({ length: 1500 }, () => [randomGeometry(rnd), randomGeometry(rnd)] as const);
        const disagreements: string[] = [];
        let checked = 0;
        let holds = 0;
        for (let i = 0; i < pairs.length; i += 250) {
          const batch = pairs.slice(i, i + 250);
          const rows = (await knex.raw(
            `SELECT ord, CASE WHEN ST_IsValid(ga) AND ST_IsValid(gb) THEN ST_${name}(ga, gb) END AS holds
             FROM (SELECT ord, ST_GeomFromGeoJSON(a) AS ga, ST_GeomFromGeoJSON(b) AS gb FROM json_to_recordset(?::json) AS t(ord int, a text, b text)) AS g ORDER BY ord`,
            [JSON.stringify(batch.map(([a, b], k) => ({ ord: k, a: JSON.stringify(a), b: JSON.stringify(b) })))],
          )) as { rows: Array<{ ord: number; holds: boolean | null }> };
          for (const row of rows.rows) {
            const [a, b] = batch[row.ord]!;
            if (row.holds === null) continue;
            checked++;
            if (row.holds) holds++;
            if (relation(prepareGeometry(a), prepareGeometry(b)) !== row.holds) disagreements.push(`${JSON.stringify(a)} ${name} ${JSON.stringify(b)}: PostGIS ${row.holds}`);
          }
        }
        assert.deepEqual(disagreements.slice(0, 5), []);
        assert.ok(checked > 1000 && holds >= (name === 'equals' ? 3 : 10), `${checked} valid pairs, ${holds} hold`);
      } finally {
        await knex.destroy();
      }
    });
  }
});
