/**
 * SQLite's exact spatial tests (JSTS, after its R*Tree prefilter) give PostGIS's answers: the same
 * random shapes in both, the same random query shapes under every relation. Runs where
 * PostgreSQL is given (MERIDIAN_TEST_PG, as CI does).
 */
import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { SPATIAL_OPERATORS, type Filter, type GeoJSONGeometry } from '../../../core/filter/index.js';
import { seededRandom } from '../../../core/seeded-random.js';
import type { FeatureInput } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

const kinds = testDatabaseKinds();
const sqlite = kinds.find((k) => k.name === 'sqlite')!;
const postgres = kinds.find((k) => k.name === 'postgres');

/** Shapes on a coarse grid (0.5 steps), so many touch, share edges or coincide; of every geometry type. */
function shapes(random: () => number, n: number): GeoJSONGeometry[] {
  const c = () => Math.round(random() * 20) / 2;
  const out: GeoJSONGeometry[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = [c(), c()];
    const w = 0.5 + Math.round(random() * 6) / 2;
    const hgt = 0.5 + Math.round(random() * 6) / 2;
    switch (i % 7) {
      case 0:
        out.push({ type: 'Point', coordinates: [x, y] });
        break;
      case 1:
        out.push({ type: 'LineString', coordinates: [[x, y], [x + w, y + hgt], [x + w, y]] });
        break;
      case 2:
        out.push({ type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x + w, y + hgt], [x, y + hgt], [x, y]]] });
        break;
      case 3:
        out.push({ type: 'Polygon', coordinates: [[[x, y], [x + w, y], [x, y + hgt], [x, y]]] });
        break;
      case 4:
        out.push({ type: 'MultiPolygon', coordinates: [[[[x, y], [x + w, y], [x + w, y + hgt], [x, y]]], [[[x + w + 1, y], [x + w + 2, y], [x + w + 2, y + 1], [x + w + 1, y + 1], [x + w + 1, y]]]] });
        break;
      case 5:
        out.push({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [x, y] }, { type: 'LineString', coordinates: [[x + 1, y], [x + 1 + w, y + hgt]] }] });
        break;
      default:
        // A square with a hole.
        out.push({ type: 'Polygon', coordinates: [[[x, y], [x + 3, y], [x + 3, y + 3], [x, y + 3], [x, y]], [[x + 1, y + 1], [x + 1, y + 2], [x + 2, y + 2], [x + 2, y + 1], [x + 1, y + 1]]] });
    }
  }
  return out;
}

if (postgres) {
  describe('features spatial predicates: SQLite agrees with PostGIS on random shapes', function () {
    this.timeout(120_000);
    let a: EngineHarness;
    let b: EngineHarness;
    const stored = shapes(seededRandom(7), 150);
    const queries = shapes(seededRandom(11), 30);
    before(async () => {
      [a, b] = await Promise.all([openEngine(sqlite), openEngine(postgres)]);
      const features: FeatureInput[] = stored.map((geometry, i) => ({ id: `s${i}`, geometry, properties: {} }));
      for (const h of [a, b]) {
        await h.features.createCollection({ id: 'shapes', geometryType: 'Geometry', properties: [] }, admin);
        await h.features.transaction([{ op: 'insert', collection: 'shapes', features }], admin);
      }
    });
    after(async () => {
      await a?.close();
      await b?.close();
    });

    for (const relation of SPATIAL_OPERATORS) {
      it(`${relation}: the same features on both`, async () => {
        let nonEmpty = 0;
        for (const geometry of queries) {
          const filter: Filter = { op: 'spatial', relation, left: { kind: 'property', name: 'geometry', path: ['geometry'] }, right: { kind: 'geometry', geometry, crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' } };
          const run = async (h: EngineHarness) => (await collect((await h.features.query('shapes', { filter, limit: 1000, skipGeometry: true }, ANONYMOUS)).features)).map((f) => f.id);
          const [onSqlite, onPostgis] = await Promise.all([run(a), run(b)]);
          assert.deepEqual(onSqlite, onPostgis, `${relation} ${JSON.stringify(geometry)}`);
          if (onSqlite.length > 0) nonEmpty++;
        }
        // The shapes meet often enough that each relation is tested on real matches.
        if (relation !== 'equals') assert.ok(nonEmpty >= 3, `${relation}: only ${nonEmpty} queries matched anything`);
      });
    }

    for (const op of ['dwithin', 'beyond'] as const) {
      it(`${op}: the same features on both`, async () => {
        for (const [i, geometry] of queries.entries()) {
          const filter: Filter = { op, left: { kind: 'property', name: 'geometry', path: ['geometry'] }, right: { kind: 'geometry', geometry, crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' }, distance: (i % 4) * 0.5, units: 'deg' };
          const run = async (h: EngineHarness) => (await collect((await h.features.query('shapes', { filter, limit: 1000, skipGeometry: true }, ANONYMOUS)).features)).map((f) => f.id);
          const [onSqlite, onPostgis] = await Promise.all([run(a), run(b)]);
          assert.deepEqual(onSqlite, onPostgis, `${op} ${filter.distance} ${JSON.stringify(geometry)}`);
        }
      });
    }
  });
}
