/**
 * The registry of collections: one row per collection with its definition, owner, visibility,
 * stamps, write counter and a cache of its extent and count. Writes keep the cache: inserts
 * extend it, other writes mark it stale and the next description recomputes it.
 */
import type { Knex } from 'knex';
import type { Database, Migration } from '../../core/storage/db/types.js';
import { transformBbox } from '../../core/ows/index.js';
import { CRS84_ID, EXTENT_COLUMNS, layoutOf, propertyColumn, REGISTRY_TABLE, type CollectionLayout } from './schema.js';
import type { Bbox, CollectionDescription } from './types.js';

export const registryMigrations: Migration[] = [
  {
    name: '001-collections',
    async up(knex) {
      await knex.schema.createTable(REGISTRY_TABLE, (t) => {
        t.increments('id').primary();
        t.string('collection_id', 200).notNullable().unique();
        t.string('table_name', 64).notNullable();
        t.text('definition').notNullable();
        t.string('owner', 255);
        t.string('visibility', 32).notNullable();
        t.string('created', 40).notNullable();
        t.string('updated', 40).notNullable();
        t.bigInteger('version').notNullable().defaultTo(0);
        // Next number of generated feature ids (`<collection>.<n>`): only grows, so ids are never reused.
        t.bigInteger('next_seq').notNullable().defaultTo(1);
        t.bigInteger('feature_count').notNullable().defaultTo(0);
        t.text('bbox');
        t.text('native_bbox');
        t.text('temporal');
        t.boolean('extent_stale').notNullable().defaultTo(false);
      });
    },
  },
];

export interface RegistryRow {
  id: number | string;
  collection_id: string;
  table_name: string;
  definition: string;
  owner: string | null;
  visibility: string;
  created: string;
  updated: string;
  version: number | string;
  next_seq: number | string;
  feature_count: number | string;
  bbox: string | null;
  native_bbox: string | null;
  temporal: string | null;
  extent_stale: boolean | number;
}

export function layoutOfRow(row: RegistryRow): CollectionLayout {
  return layoutOf(Number(row.id), row.table_name, JSON.parse(row.definition) as CollectionLayout['definition']);
}

export function describe(row: RegistryRow): CollectionDescription {
  const layout = layoutOfRow(row);
  const d = layout.definition;
  const out: CollectionDescription = {
    id: d.id,
    title: d.title ?? d.id,
    keywords: d.keywords ?? [],
    geometryType: d.geometryType,
    properties: d.properties,
    crs: d.crs,
    visibility: d.visibility,
    count: Number(row.feature_count),
    bbox: row.bbox ? (JSON.parse(row.bbox) as Bbox) : null,
    nativeBbox: row.native_bbox ? (JSON.parse(row.native_bbox) as Bbox) : null,
    created: row.created,
    updated: row.updated,
    version: `${Date.parse(row.created).toString(36)}-${row.id}-${row.version}`,
  };
  if (d.description !== undefined) out.description = d.description;
  if (d.temporalProperty !== undefined) {
    out.temporalProperty = d.temporalProperty;
    out.temporal = row.temporal ? (JSON.parse(row.temporal) as { start: string | null; end: string | null }) : { start: null, end: null };
  }
  if (d.owner !== undefined) out.owner = d.owner;
  return out;
}

const stale = (row: RegistryRow) => row.extent_stale === true || Number(row.extent_stale) === 1;

/** The row with a fresh extent cache (recomputed when writes left it stale). */
export async function freshRow(db: Database, row: RegistryRow): Promise<RegistryRow> {
  if (!stale(row)) return row;
  const layout = layoutOfRow(row);
  const extent = await computeExtent(db, db.knex, layout);
  // Only if no write came in since the row was read: that write's own staleness stands.
  await db
    .knex(REGISTRY_TABLE)
    .where({ id: row.id, version: row.version })
    .update({ ...extentColumns(extent), extent_stale: false });
  return { ...row, ...extentColumns(extent), extent_stale: false };
}

export interface Extent {
  count: number;
  bbox: Bbox | null;
  nativeBbox: Bbox | null;
  temporal: { start: string | null; end: string | null } | null;
}

export function extentColumns(e: Extent): Partial<RegistryRow> {
  return {
    feature_count: e.count,
    bbox: e.bbox ? JSON.stringify(e.bbox) : null,
    native_bbox: e.nativeBbox ? JSON.stringify(e.nativeBbox) : null,
    temporal: e.temporal ? JSON.stringify(e.temporal) : null,
  };
}

/** Count, boxes and time range of a collection's table, by aggregates. */
export async function computeExtent(db: Database, k: Knex | Knex.Transaction, layout: CollectionLayout): Promise<Extent> {
  const t = layout.table;
  const [minx, miny, maxx, maxy] = EXTENT_COLUMNS;
  const temporal = layout.definition.temporalProperty ? propertyColumn(layout.definition.temporalProperty) : undefined;
  const select = [k.raw('COUNT(*) AS n'), k.raw('MIN(??) AS minx', [minx]), k.raw('MIN(??) AS miny', [miny]), k.raw('MAX(??) AS maxx', [maxx]), k.raw('MAX(??) AS maxy', [maxy])];
  if (temporal) select.push(k.raw('MIN(??) AS tmin', [temporal]), k.raw('MAX(??) AS tmax', [temporal]));
  const [row] = (await k(t).select(select)) as Array<Record<string, unknown>>;
  const n = Number(row?.n ?? 0);
  const nativeBbox = row && row.minx !== null && row.minx !== undefined ? ([Number(row.minx), Number(row.miny), Number(row.maxx), Number(row.maxy)] as Bbox) : null;
  let bbox: Bbox | null = nativeBbox;
  if (nativeBbox && layout.native) bbox = await lonLatExtent(db, k, layout, nativeBbox);
  const time = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
  const temporalRange = temporal ? { start: time(row?.tmin), end: time(row?.tmax) } : null;
  return { count: n, bbox, nativeBbox, temporal: temporalRange };
}

/** The CRS:84 box of a collection kept in another CRS: from the index, where it keeps boxes. */
async function lonLatExtent(db: Database, k: Knex | Knex.Transaction, layout: CollectionLayout, nativeBbox: Bbox): Promise<Bbox> {
  const t = layout.table;
  let row: Record<string, unknown> | undefined;
  if (db.postgis) {
    [row] = (await k(t).select(k.raw('MIN(ST_XMin(geometry)) AS minx, MIN(ST_YMin(geometry)) AS miny, MAX(ST_XMax(geometry)) AS maxx, MAX(ST_YMax(geometry)) AS maxy'))) as Array<Record<string, unknown>>;
  } else if (db.dialect === 'sqlite') {
    [row] = (await k(`${t}_rtree`).select(k.raw('MIN(minx) AS minx, MIN(miny) AS miny, MAX(maxx) AS maxx, MAX(maxy) AS maxy'))) as Array<Record<string, unknown>>;
  } else {
    [row] = (await k(t).select(k.raw('MIN(bbox_minx) AS minx, MIN(bbox_miny) AS miny, MAX(bbox_maxx) AS maxx, MAX(bbox_maxy) AS maxy'))) as Array<Record<string, unknown>>;
  }
  if (row && row.minx !== null && row.minx !== undefined) return [Number(row.minx), Number(row.miny), Number(row.maxx), Number(row.maxy)];
  return transformBbox(nativeBbox, layout.definition.crs, CRS84_ID);
}
