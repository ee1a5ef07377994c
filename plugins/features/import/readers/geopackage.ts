/**
 * GeoPackage (OGC 12-128r18), read directly as the SQLite file it is, read-only: every table of
 * gpkg_contents (feature tables with their geometry column from gpkg_geometry_columns, attribute
 * tables without one), its CRS from gpkg_spatial_ref_sys, column types from the declared SQL
 * types, geometries from the GeoPackage binary encoding (wkb.ts). Rows are read one at a time.
 */
import { createRequire } from 'node:module';
import type { GeometryType, PropertyType } from '../../types.js';
import type { SourceField, SourceLayer, SourceRow, VectorSource } from '../types.js';
import { readGeoPackageGeometry } from '../wkb.js';

interface ContentsRow {
  table_name: string;
  data_type: string;
  identifier: string | null;
  description: string | null;
  srs_id: number | null;
}

interface GeometryColumnRow {
  table_name: string;
  column_name: string;
  geometry_type_name: string;
  srs_id: number;
}

interface SrsRow {
  srs_name: string;
  srs_id: number;
  organization: string;
  organization_coordsys_id: number;
  definition: string;
}

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

const GEOMETRY_TYPES: Record<string, GeometryType> = {
  POINT: 'Point',
  LINESTRING: 'LineString',
  POLYGON: 'Polygon',
  MULTIPOINT: 'MultiPoint',
  MULTILINESTRING: 'MultiLineString',
  MULTIPOLYGON: 'MultiPolygon',
  GEOMETRYCOLLECTION: 'GeometryCollection',
  GEOMETRY: 'Geometry',
};

/** The part of better-sqlite3 this reads with (the package ships no types; knex uses it too). */
interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface SqliteDatabase {
  prepare(sql: string): Statement;
  pragma(sql: string): unknown;
  close(): void;
}
type SqliteConstructor = new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
const Database = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;

export class GeoPackageError extends Error {
  override name = 'GeoPackageError';
}

/** A declared column type as a property type (GeoPackage 1.3 table 1); undefined for BLOBs. */
export function columnType(declared: string): PropertyType | undefined {
  const t = declared.trim().toUpperCase().replace(/\s*\(.*$/, '');
  if (t === 'BOOLEAN') return 'boolean';
  if (['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT'].includes(t)) return 'integer';
  if (['FLOAT', 'DOUBLE', 'REAL', 'NUMERIC', 'DECIMAL'].includes(t)) return 'number';
  if (t === 'DATE') return 'date';
  if (t === 'DATETIME' || t === 'TIMESTAMP') return 'datetime';
  if (t === 'BLOB') return undefined;
  return 'string';
}

export function openGeoPackage(path: string, options: { name?: string } = {}): VectorSource {
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
  } catch (err) {
    throw new GeoPackageError(`Cannot open ${path} as SQLite: ${(err as Error).message}`);
  }
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name IN ('gpkg_contents', 'gpkg_spatial_ref_sys')").all() as Array<{ name: string }>;
    if (tables.length < 2) throw new GeoPackageError(`${options.name ?? path} is an SQLite file but not a GeoPackage (no gpkg_contents or gpkg_spatial_ref_sys)`);
    const contents = db.prepare("SELECT table_name, data_type, identifier, description, srs_id FROM gpkg_contents WHERE data_type IN ('features', 'attributes') ORDER BY table_name").all() as ContentsRow[];
    const geometryColumns = new Map<string, GeometryColumnRow>();
    const hasGeometryColumns = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_geometry_columns'").get();
    if (hasGeometryColumns) {
      for (const g of db.prepare('SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns').all() as GeometryColumnRow[]) geometryColumns.set(g.table_name, g);
    }
    const srs = db.prepare('SELECT srs_name, srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?');
    const layers = contents.map((c) => layerOf(db, c, geometryColumns.get(c.table_name), (id) => srs.get(id) as SrsRow | undefined));
    return { format: 'geopackage', layers, close: async () => void db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

function layerOf(db: SqliteDatabase, contents: ContentsRow, geometryColumn: GeometryColumnRow | undefined, srsOf: (id: number) => SrsRow | undefined): SourceLayer {
  const table = contents.table_name;
  const warnings: string[] = [];
  if (contents.data_type === 'features' && !geometryColumn) warnings.push(`Table ${table} is a feature table without a row in gpkg_geometry_columns: read without geometries`);
  const columns = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as ColumnInfo[];
  if (columns.length === 0) throw new GeoPackageError(`gpkg_contents names table ${table}, which does not exist`);
  // The integer primary key is the feature id, not a property.
  const pk = columns.find((c) => c.pk === 1 && columns.filter((k) => k.pk > 0).length === 1 && /^INT/i.test(c.type));
  const fields: SourceField[] = [];
  const selected: Array<{ name: string; type: PropertyType }> = [];
  for (const c of columns) {
    if (c === pk || c.name === geometryColumn?.column_name) continue;
    const type = columnType(c.type);
    if (!type) {
      warnings.push(`Column ${c.name} (${c.type}) of ${table} holds binary data: not imported`);
      continue;
    }
    fields.push({ name: c.name, type, nullable: c.notnull === 0 });
    selected.push({ name: c.name, type });
  }

  let crs: string | undefined;
  let crsDescription: string | undefined;
  const srsId = geometryColumn?.srs_id ?? contents.srs_id ?? undefined;
  if (srsId !== undefined && geometryColumn) {
    const s = srsOf(srsId);
    if (!s) warnings.push(`srs_id ${srsId} of ${table} is not in gpkg_spatial_ref_sys`);
    else if (s.organization.toUpperCase() === 'EPSG' && s.organization_coordsys_id > 0) crs = `EPSG:${s.organization_coordsys_id}`;
    else if (srsId === 0) {
      // "Undefined geographic SRS": longitude/latitude of unknown datum, read as CRS84.
      crs = 'OGC:CRS84';
      warnings.push(`${table} has the undefined geographic SRS (srs_id 0): coordinates taken as CRS84`);
    } else {
      crsDescription = `${s.srs_name} (${s.organization}:${s.organization_coordsys_id}) ${s.definition}`.trim();
    }
  }

  const geometryType = geometryColumn ? GEOMETRY_TYPES[geometryColumn.geometry_type_name.toUpperCase()] ?? 'Geometry' : 'Geometry';
  const count = (db.prepare(`SELECT COUNT(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
  const list = [
    ...(pk ? [`${quote(pk.name)} AS "pk"`] : []),
    ...(geometryColumn ? [`${quote(geometryColumn.column_name)} AS "geom"`] : []),
    ...selected.map((s, i) => `${quote(s.name)} AS "c${i}"`),
  ];
  const order = pk ? ` ORDER BY ${quote(pk.name)}` : '';
  let done = 0;
  return {
    name: table,
    title: contents.identifier ?? undefined,
    description: contents.description ?? undefined,
    crs,
    crsDescription,
    geometryType,
    fields,
    count,
    warnings,
    fraction: () => (count ? done / count : 1),
    rows: async function* (): AsyncGenerator<SourceRow> {
      const statement = db.prepare(`SELECT ${list.length ? list.join(', ') : '1'} FROM ${quote(table)}${order}`);
      for (const r of statement.iterate() as Iterable<Record<string, unknown>>) {
        done++;
        const properties: Record<string, unknown> = {};
        selected.forEach((s, i) => (properties[s.name] = value(r[`c${i}`], s.type)));
        const row: SourceRow = { row: done, geometry: null, properties };
        if (pk) row.id = String(r.pk);
        const blob = r.geom;
        if (blob !== null && blob !== undefined) {
          try {
            if (!(blob instanceof Uint8Array)) throw new Error('the geometry column holds no blob');
            row.geometry = readGeoPackageGeometry(blob).geometry;
          } catch (err) {
            row.error = `geometry: ${(err as Error).message}`;
          }
        }
        yield row;
      }
    },
  };
}

/** SQLite's loose typing: booleans are 0/1, a TEXT column may hold numbers. */
function value(v: unknown, type: PropertyType): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'boolean' && typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
