import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { BadRequest, NotFound } from '../../../../core/errors.js';
import { intersects } from '../../../../core/storage/db/geometry/index.js';
import { selectGeometryAsGeoJSON } from '../../../../core/storage/db/spatial-index.js';
import { PgBBoxIndex } from '../../../../core/storage/db/spatial/pg-bbox.js';
import type { BBox, Database, GeoJSONGeometry, SpatialIndex } from '../../../../core/storage/db/types.js';
import { testDatabaseKinds, type TestDatabase } from '../../../helpers/databases.js';
import { box, boxRing, line, lShape, point, polygon } from './geometry/fixtures.js';
import { seededRandom } from '../../../../core/seeded-random.js';

const TABLE = 'products';

/** The query box of most tests, and what each row is there to check. */
const QUERY: BBox = [10, 10, 20, 20];
const QUERY_POLYGON = box(...QUERY);
const ROWS: Array<{ name: string; geometry: GeoJSONGeometry | null; exact: boolean; prefilter: boolean }> = [
  { name: 'point inside', geometry: point(15, 15), exact: true, prefilter: true },
  // bbox [5,5,25,25] covers the query, but the shape is an L along its lower-left edges.
  { name: 'L around the box', geometry: shiftL(5, 5, 20), exact: false, prefilter: true },
  // The query box sits inside the hole.
  { name: 'polygon with the box in its hole', geometry: polygon(boxRing(0, 0, 30, 30), boxRing(8, 8, 22, 22)), exact: false, prefilter: true },
  { name: 'line crossing the box, no vertex inside', geometry: line([0, 12], [30, 18]), exact: true, prefilter: true },
  { name: 'point on the box edge', geometry: point(20, 13), exact: true, prefilter: true },
  { name: 'point on the box corner', geometry: point(10, 10), exact: true, prefilter: true },
  { name: 'polygon touching the box corner', geometry: box(20, 20, 25, 25), exact: true, prefilter: true },
  { name: 'far polygon', geometry: box(100, 40, 110, 50), exact: false, prefilter: false },
  { name: 'no geometry', geometry: null, exact: false, prefilter: false },
  { name: 'multipolygon, one part in', geometry: { type: 'MultiPolygon', coordinates: [[boxRing(-50, -50, -40, -40)], [boxRing(12, 12, 13, 13)]] }, exact: true, prefilter: true },
  { name: 'diagonal line missing the box', geometry: line([0, 25], [25, 50]), exact: false, prefilter: false },
  { name: 'line whose bbox covers the box but which passes beside it', geometry: line([0, 18], [18, 0]), exact: false, prefilter: true },
  {
    name: 'collection with a point in',
    geometry: { type: 'GeometryCollection', geometries: [line([-10, -10], [-5, -5]), point(11, 19)] },
    exact: true,
    prefilter: true,
  },
];

function shiftL(x: number, y: number, size: number): GeoJSONGeometry {
  const c = (lShape.coordinates as number[][][])[0]!.map(([px, py]) => [x + (px! * size) / 10, y + (py! * size) / 10]);
  return { type: 'Polygon', coordinates: [c] };
}

interface IndexKind {
  name: string;
  open(): Promise<TestDatabase>;
  index(db: Database): SpatialIndex;
}

function indexKinds(): IndexKind[] {
  const kinds: IndexKind[] = [];
  for (const dbKind of testDatabaseKinds()) {
    if (dbKind.name === 'sqlite') {
      kinds.push({ name: 'sqlite R*Tree', open: () => dbKind.open(), index: (db) => db.spatialIndex(TABLE) });
      kinds.push({ name: 'sqlite R*Tree, geometries as WKB', open: () => dbKind.open(), index: (db) => db.spatialIndex(TABLE, { encoding: 'wkb' }) });
    } else {
      kinds.push({ name: 'PostGIS GiST', open: () => dbKind.open(), index: (db) => db.spatialIndex(TABLE) });
      kinds.push({ name: 'PostgreSQL bbox columns (no PostGIS)', open: () => dbKind.open(), index: (db) => new PgBBoxIndex(db, TABLE) });
    }
  }
  return kinds;
}

async function createTable(db: Database, index: SpatialIndex): Promise<void> {
  await db.migrate('spatial-test', [
    {
      name: '001-products',
      async up(knex: Knex) {
        await knex.schema.createTable(TABLE, (t) => {
          t.increments('id').primary();
          t.string('name', 200).notNullable();
        });
        await index.create(knex);
      },
    },
  ]);
}

async function insert(db: Database, index: SpatialIndex, name: string, geometry: GeoJSONGeometry | null): Promise<number> {
  return db.knex.transaction(async (trx) => {
    const [row] = (await trx(TABLE).insert({ name }).returning('id')) as Array<{ id: number } | number>;
    const id = typeof row === 'object' ? row.id : row!;
    if (geometry) await index.set(id, geometry, trx);
    return Number(id);
  });
}

for (const kind of indexKinds()) {
  describe(`core/storage/db/spatial-index on ${kind.name}`, function () {
    this.timeout(60_000);
    let handle: TestDatabase;
    let db: Database;
    let index: SpatialIndex;
    const ids = new Map<string, number>();

    beforeEach(async () => {
      handle = await kind.open();
      db = handle.db;
      index = kind.index(db);
      if (kind.name.startsWith('PostGIS')) assert.equal(db.postgis, true, 'MERIDIAN_TEST_PG must have the postgis extension');
      await createTable(db, index);
      ids.clear();
      for (const row of ROWS) ids.set(row.name, await insert(db, index, row.name, row.geometry));
    });
    afterEach(async () => {
      await handle.dispose();
    });

    const namesOf = (found: number[]): string[] => {
      const byId = new Map([...ids].map(([name, id]) => [id, name]));
      return found.map((id) => byId.get(id)!).sort();
    };
    const expected = (key: 'exact' | 'prefilter'): string[] => ROWS.filter((r) => r[key]).map((r) => r.name).sort();

    it('creates its structures idempotently (create twice)', async () => {
      await index.create();
      await index.create();
      assert.deepEqual(namesOf(await index.intersecting(QUERY_POLYGON)), expected('exact'));
    });

    it('prefilters by bbox: every row whose bbox meets the box, shapes that miss it included', async () => {
      const rows = (await index.whereBBoxIntersects(db.knex(TABLE).select(`${TABLE}.id`), QUERY)) as Array<{ id: number }>;
      assert.deepEqual(namesOf(rows.map((r) => Number(r.id))), expected('prefilter'));
    });

    it('finds exactly the geometries that intersect: not the L, the hole or the passing line; yes the crossing line and the points on edges', async () => {
      assert.deepEqual(namesOf(await index.intersecting(QUERY_POLYGON)), expected('exact'));
    });

    it('returns ids in id order and stops at the limit', async () => {
      const all = await index.intersecting(QUERY_POLYGON);
      assert.deepEqual(all, [...all].sort((a, b) => a - b));
      assert.deepEqual(await index.intersecting(QUERY_POLYGON, { limit: 2 }), all.slice(0, 2));
    });

    it('tests exactly against any query geometry: a line, a point, a polygon with a hole', async () => {
      assert.deepEqual(namesOf(await index.intersecting(line([14, 0], [14, 9]))), [
        'L around the box',
        'line whose bbox covers the box but which passes beside it',
        'polygon with the box in its hole',
      ]);
      // The crossing line passes exactly through (15, 15).
      assert.deepEqual(namesOf(await index.intersecting(point(15, 15))), ['line crossing the box, no vertex inside', 'point inside']);
      const ring = polygon(boxRing(9, 9, 21, 21), boxRing(11, 11, 19, 19));
      // (11, 19) lies on the hole's edge; x + y = 18 touches the outer corner (9, 9); 12..13 is in the hole.
      assert.deepEqual(namesOf(await index.intersecting(ring)), [
        'collection with a point in',
        'line crossing the box, no vertex inside',
        'line whose bbox covers the box but which passes beside it',
        'point on the box corner',
        'point on the box edge',
        'polygon touching the box corner',
      ]);
    });

    it('composes with other where clauses, ordering and pagination', async () => {
      const page = (offset: number) =>
        index
          .whereBBoxIntersects(db.knex(TABLE).select('name').where('name', 'like', 'p%'), QUERY)
          .orderBy('name')
          .limit(2)
          .offset(offset) as Promise<Array<{ name: string }>>;
      const names = [...(await page(0)), ...(await page(2)), ...(await page(4))].map((r) => r.name);
      assert.deepEqual(names, expected('prefilter').filter((n) => n.startsWith('p')));
    });

    it('works on a query that names the table by an alias, given the id column', async () => {
      const rows = (await index.whereBBoxIntersects(db.knex({ p: TABLE }).select('p.name'), QUERY, 'p.id')) as Array<{ name: string }>;
      assert.deepEqual(rows.map((r) => r.name).sort(), expected('prefilter'));
    });

    it('splits a CRS:84 bbox crossing the antimeridian (minx > maxx) into its two sides', async () => {
      const east = await insert(db, index, 'east of the antimeridian', point(179.5, 1));
      const west = await insert(db, index, 'west of the antimeridian', point(-179.5, -1));
      await insert(db, index, 'greenwich', point(0, 0));
      const rows = (await index.whereBBoxIntersects(db.knex(TABLE).select(`${TABLE}.id`), [170, -5, -170, 5])) as Array<{ id: number }>;
      assert.deepEqual(rows.map((r) => Number(r.id)).sort((a, b) => a - b), [east, west]);
    });

    it('refuses a bbox that is not one (NaN, miny > maxy, minx > maxx off the antimeridian) with BadRequest', () => {
      const bad: BBox[] = [
        [NaN, 0, 1, 1],
        [0, 5, 1, 1],
        [200, 0, 100, 1],
        [0, 0, Infinity, 1],
      ];
      for (const bbox of bad) assert.throws(() => index.whereBBoxIntersects(db.knex(TABLE), bbox), BadRequest, JSON.stringify(bbox));
    });

    it('refuses invalid geometries with BadRequest, changing nothing', async () => {
      const id = ids.get('point inside')!;
      await assert.rejects(index.set(id, { type: 'Point', coordinates: [NaN, 1] }), BadRequest);
      await assert.rejects(index.set(id, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }), BadRequest);
      await assert.rejects(index.intersecting({ type: 'LineString', coordinates: [[0, 0]] }), BadRequest);
      assert.ok((await index.intersecting(point(15, 15))).includes(id));
    });

    it('refuses to set a geometry on a row that does not exist', async () => {
      await assert.rejects(index.set(999_999, point(1, 1)), NotFound);
    });

    it('moves a row when its geometry changes, and drops it on set(null) and remove()', async () => {
      const id = ids.get('point inside')!;
      await index.set(id, point(105, 45));
      assert.ok(!(await index.intersecting(QUERY_POLYGON)).includes(id));
      assert.deepEqual(namesOf(await index.intersecting(box(104, 44, 106, 46))), ['far polygon', 'point inside']);
      await index.set(id, null);
      assert.deepEqual(namesOf(await index.intersecting(box(104, 44, 106, 46))), ['far polygon']);
      const far = ids.get('far polygon')!;
      await index.remove(far);
      await index.remove(far); // again: nothing to remove is no error
      assert.deepEqual(await index.intersecting(box(104, 44, 106, 46)), []);
    });

    it('forgets a deleted row', async () => {
      const id = ids.get('point inside')!;
      await db.knex(TABLE).where({ id }).delete();
      const rows = (await index.whereBBoxIntersects(db.knex(TABLE).select(`${TABLE}.id`), QUERY)) as Array<{ id: number }>;
      assert.ok(!rows.map((r) => Number(r.id)).includes(id));
      assert.ok(!(await index.intersecting(QUERY_POLYGON)).includes(id));
      const later = await insert(db, index, 'later', point(-60, -60));
      assert.deepEqual(await index.intersecting(box(-61, -61, -59, -59)), [later]);
      assert.ok(!(await index.intersecting(point(15, 15))).includes(later));
    });

    it('writes inside the caller transaction: rolled back, nothing is indexed', async () => {
      const id = ids.get('far polygon')!;
      await assert.rejects(
        db.knex.transaction(async (trx) => {
          await index.set(id, point(15, 15), trx);
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.ok(!(await index.intersecting(QUERY_POLYGON)).includes(id));
      await db.knex.transaction((trx) => index.set(id, point(15, 15), trx));
      assert.ok((await index.intersecting(QUERY_POLYGON)).includes(id));
    });

    it('indexes rows written in bulk with rowValues and written like rows set one by one, and clears them alike', async () => {
      const geometries = [point(-60, -60), box(-62, -62, -61, -61), null];
      const created = await db.knex.transaction(async (trx) => {
        const rows = (await trx(TABLE)
          .insert(geometries.map((g, i) => ({ name: `bulk ${i}`, ...index.rowValues(g) })))
          .returning('id')) as Array<{ id: number } | number>;
        const entries = rows.map((r, i) => ({ id: Number(typeof r === 'object' ? r.id : r), geometry: geometries[i]! }));
        await index.written(entries, trx);
        return entries.map((e) => e.id);
      });
      assert.deepEqual(await index.intersecting(box(-63, -63, -59, -59)), created.slice(0, 2));
      // An UPDATE with new values: moved, cleared.
      await db.knex.transaction(async (trx) => {
        await trx(TABLE).where({ id: created[0] }).update(index.rowValues(point(-120, 70)));
        await trx(TABLE).where({ id: created[1] }).update(index.rowValues(null));
        await index.written([{ id: created[0]!, geometry: point(-120, 70) }, { id: created[1]!, geometry: null }], trx);
      });
      assert.deepEqual(await index.intersecting(box(-63, -63, -59, -59)), []);
      assert.deepEqual(await index.intersecting(box(-121, 69, -119, 71)), [created[0]]);
      const prefiltered = (await index.whereBBoxIntersects(db.knex(TABLE).select(`${TABLE}.id`), [-63, -63, -59, -59])) as Array<{ id: number }>;
      assert.deepEqual(prefiltered, []);
      assert.throws(() => index.rowValues({ type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] }), BadRequest);
    });

    it('reads the geometry back as GeoJSON with selectGeometryAsGeoJSON', async () => {
      const id = ids.get('polygon with the box in its hole')!;
      // The bbox-column fallback stores GeoJSON text even where PostGIS exists.
      const asGeoJSON = index instanceof PgBBoxIndex ? db.knex.raw('?? as geometry', [`${TABLE}.geometry`]) : selectGeometryAsGeoJSON(db, TABLE);
      const row = (await db.knex(TABLE).select(asGeoJSON).where({ id }).first()) as { geometry: string };
      const geometry = JSON.parse(row.geometry) as GeoJSONGeometry;
      assert.equal(geometry.type, 'Polygon');
      assert.deepEqual(geometry.coordinates, ROWS.find((r) => r.name === 'polygon with the box in its hole')!.geometry!.coordinates);
    });

    it('agrees with a brute-force exact test over random geometries on a grid (many touching cases)', async function () {
      this.timeout(120_000);
      const random = seededRandom(kind.name.length * 7919);
      const stored = new Map<number, GeoJSONGeometry>();
      await db.knex.transaction(async (trx) => {
        for (let i = 0; i < 200; i++) {
          const g = randomGeometry(random);
          const [row] = (await trx(TABLE).insert({ name: `random ${i}` }).returning('id')) as Array<{ id: number } | number>;
          const id = Number(typeof row === 'object' ? row.id : row);
          await index.set(id, g, trx);
          stored.set(id, g);
        }
      });
      for (const [name, id] of ids) {
        const row = ROWS.find((r) => r.name === name)!;
        if (row.geometry) stored.set(id, row.geometry);
      }
      for (let q = 0; q < 60; q++) {
        const query = randomGeometry(random);
        const want = [...stored].filter(([, g]) => intersects(query, g)).map(([id]) => id).sort((a, b) => a - b);
        assert.deepEqual(await index.intersecting(query), want, `query ${JSON.stringify(query)}`);
      }
    });
  });
}


/** Valid geometries on a 0..24 grid (half steps), where shared edges and vertices are common. */
function randomGeometry(random: () => number): GeoJSONGeometry {
  const coord = () => Math.floor(random() * 49) / 2;
  const pos = (): [number, number] => [coord(), coord()];
  const kind = Math.floor(random() * 7);
  switch (kind) {
    case 0:
      return point(...pos());
    case 1:
      return { type: 'MultiPoint', coordinates: [pos(), pos(), pos()] };
    case 2:
      return line(pos(), pos(), ...(random() < 0.5 ? [pos()] : []));
    case 3: {
      const [x, y] = pos();
      const w = 1 + Math.floor(random() * 8);
      const h = 1 + Math.floor(random() * 8);
      if (w < 3 || h < 3) return box(x, y, x + w, y + h);
      // A hole strictly inside, one unit in from each side.
      return polygon(boxRing(x, y, x + w, y + h), boxRing(x + 1, y + 1, x + w - 1, y + h - 1).reverse());
    }
    case 4: {
      // A triangle; three collinear grid points would be degenerate, so retry those.
      for (;;) {
        const a = pos();
        const b = pos();
        const c = pos();
        if ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) !== 0) return polygon([a, b, c, a]);
      }
    }
    case 5: {
      // Two boxes apart (left and right halves), a valid MultiPolygon.
      const y = coord();
      return { type: 'MultiPolygon', coordinates: [[boxRing(1, y, 4, y + 2)], [boxRing(14, y, 18, y + 3)]] };
    }
    default:
      return { type: 'GeometryCollection', geometries: [point(...pos()), line(pos(), pos())] };
  }
}
