/**
 * Collection definitions: their validation, and how a collection lives in the database (one table
 * per collection, typed columns, the core spatial index). Tables are made at run time by
 * createCollection, not by migrations.
 */
import type { Knex } from 'knex';
import type { QueryableColumn } from '../../core/filter/index.js';
import { resolveCrs } from '../../core/ows/index.js';
import type { Database } from '../../core/storage/db/types.js';
import { FeaturesError } from './errors.js';
import type { CollectionDefinition, GeometryType, PropertyDefinition, PropertyType } from './types.js';

export const REGISTRY_TABLE = 'features_collections';
/** The index column (core helper): CRS:84 on every database. */
export const INDEX_GEOMETRY_COLUMN = 'geometry';
/** The core spatial index of every collection table: WKB on SQLite (PostGIS keeps its own type). */
export const INDEX_OPTIONS = { encoding: 'wkb' } as const;
/** The geometry in the collection's own CRS as WKB, for collections not stored in CRS:84. */
export const NATIVE_GEOMETRY_COLUMN = 'geometry_native';
/** The geometry's box in the storage CRS, for the collection's extent. */
export const EXTENT_COLUMNS = ['ext_minx', 'ext_miny', 'ext_maxx', 'ext_maxy'] as const;
/** The names filters use for the feature id and the geometry; no property may take them. */
export const ID_NAME = 'id';
export const GEOMETRY_NAME = 'geometry';
/** Queryable name of the features' owner column in access filters (not a valid property name, so never a property's). */
export const OWNER_QUERYABLE = '@owner';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,59}$/;
const NCNAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;
const PROPERTY_TYPES = new Set<PropertyType>(['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'json']);
const GEOMETRY_TYPES = new Set<GeometryType>(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection', 'Geometry']);
/** Properties per collection: the table's columns stay well under both databases' limits. */
const MAX_PROPERTIES = 500;

export const CRS84_ID = 'OGC:CRS84';

/** CRS identifiers that are CRS:84 x/y (EPSG:4326 in x/y order is the same coordinates). */
export function isLonLat(crsId: string): boolean {
  return crsId === CRS84_ID || crsId === 'EPSG:4326';
}

/** The canonical id of a CRS (EPSG:2056, OGC:CRS84), or InvalidCrs. */
export function canonicalCrs(crs: string | undefined, locator = 'crs'): string {
  if (crs === undefined) return CRS84_ID;
  try {
    return resolveCrs(crs).id;
  } catch (err) {
    throw new FeaturesError('InvalidCrs', `Unknown CRS '${crs}'`, { locator, cause: err });
  }
}

/** The definition as stored: checked, defaults filled. */
export function normalizeDefinition(def: CollectionDefinition, owner: string | undefined): CollectionDefinition & { crs: string; visibility: 'public' | 'private' } {
  if (!def || typeof def !== 'object') throw new FeaturesError('InvalidValue', 'A collection definition must be an object', { locator: 'collection' });
  if (typeof def.id !== 'string' || !NCNAME.test(def.id)) {
    throw new FeaturesError('InvalidValue', `Collection id ${JSON.stringify(def.id)} must be an NCName (letters, digits, '_', '-', '.', not starting with a digit, at most 200 characters)`, { locator: 'id' });
  }
  if (!GEOMETRY_TYPES.has(def.geometryType)) throw new FeaturesError('InvalidValue', `Unknown geometry type ${JSON.stringify(def.geometryType)}`, { locator: 'geometryType' });
  if (!Array.isArray(def.properties)) throw new FeaturesError('InvalidValue', 'properties must be an array', { locator: 'properties' });
  if (def.properties.length > MAX_PROPERTIES) throw new FeaturesError('InvalidValue', `At most ${MAX_PROPERTIES} properties`, { locator: 'properties' });
  const seen = new Set<string>();
  const properties: PropertyDefinition[] = def.properties.map((p) => {
    if (!p || typeof p.name !== 'string' || !NAME.test(p.name)) {
      throw new FeaturesError('InvalidValue', `Property name ${JSON.stringify(p?.name)} must be letters, digits and '_', not starting with a digit, at most 60 characters`, { locator: 'properties' });
    }
    if (p.name === ID_NAME || p.name === GEOMETRY_NAME) throw new FeaturesError('InvalidValue', `Property name '${p.name}' is reserved (the feature ${p.name})`, { locator: p.name });
    // SQLite column names ignore case.
    const key = p.name.toLowerCase();
    if (seen.has(key)) throw new FeaturesError('InvalidValue', `Property '${p.name}' is defined twice (names are compared ignoring case)`, { locator: p.name });
    seen.add(key);
    if (!PROPERTY_TYPES.has(p.type)) throw new FeaturesError('InvalidValue', `Property '${p.name}' has unknown type ${JSON.stringify(p.type)}`, { locator: p.name });
    const out: PropertyDefinition = { name: p.name, type: p.type };
    if (p.title !== undefined) out.title = String(p.title);
    if (p.description !== undefined) out.description = String(p.description);
    if (p.nullable === false) out.nullable = false;
    return out;
  });
  if (def.temporalProperty !== undefined) {
    const t = properties.find((p) => p.name === def.temporalProperty);
    if (!t || (t.type !== 'date' && t.type !== 'datetime')) {
      throw new FeaturesError('InvalidValue', `temporalProperty '${def.temporalProperty}' must name a date or datetime property`, { locator: 'temporalProperty' });
    }
  }
  const visibility = def.visibility ?? 'public';
  if (visibility !== 'public' && visibility !== 'private') throw new FeaturesError('InvalidValue', `visibility must be 'public' or 'private'`, { locator: 'visibility' });
  const crs = canonicalCrs(def.crs);
  const out: CollectionDefinition & { crs: string; visibility: 'public' | 'private' } = { id: def.id, geometryType: def.geometryType, crs, properties, visibility };
  if (def.title !== undefined) out.title = String(def.title);
  if (def.description !== undefined) out.description = String(def.description);
  if (def.keywords !== undefined) out.keywords = def.keywords.map(String);
  if (def.temporalProperty !== undefined) out.temporalProperty = def.temporalProperty;
  const o = def.owner ?? owner;
  if (o !== undefined) out.owner = o;
  return out;
}

/** A stored collection: its definition and where it lives. */
export interface CollectionLayout {
  /** Registry row id. */
  key: number;
  table: string;
  definition: CollectionDefinition & { crs: string; visibility: 'public' | 'private' };
  /** Whether geometries are kept in their own CRS beside the CRS:84 index column. */
  native: boolean;
  properties: Map<string, PropertyDefinition>;
}

export function layoutOf(key: number, table: string, definition: CollectionLayout['definition']): CollectionLayout {
  return { key, table, definition, native: !isLonLat(definition.crs), properties: new Map(definition.properties.map((p) => [p.name, p])) };
}

export function tableName(key: number): string {
  return `features_${key}`;
}

/** The column of a property: prefixed, so no property name meets a system column or an SQL keyword. */
export function propertyColumn(name: string): string {
  return `p_${name}`;
}

/** Instants and dates: ISO 8601 UTC text on SQLite (text order is time order), timestamptz on PostgreSQL. */
function timeColumn(t: Knex.CreateTableBuilder, db: Database, name: string): Knex.ColumnBuilder {
  return db.dialect === 'sqlite' ? t.text(name) : t.timestamp(name, { useTz: true });
}

/** Creates the collection's table, its spatial index and the indexes its queries use. */
export async function createCollectionTable(trx: Knex.Transaction, db: Database, layout: CollectionLayout): Promise<void> {
  const { table, definition } = layout;
  await trx.schema.createTable(table, (t) => {
    t.increments('id').primary();
    t.string('fid', 255).notNullable().unique(`${table}_fid`);
    t.string('owner', 255);
    t.string('created', 40).notNullable();
    t.string('updated', 40).notNullable();
    for (const column of EXTENT_COLUMNS) t.double(column);
    if (layout.native) {
      if (db.dialect === 'sqlite') t.binary(NATIVE_GEOMETRY_COLUMN);
      else t.specificType(NATIVE_GEOMETRY_COLUMN, 'bytea');
    }
    for (const p of definition.properties) {
      const column = propertyColumn(p.name);
      let c: Knex.ColumnBuilder;
      switch (p.type) {
        case 'string':
          c = t.text(column);
          break;
        case 'integer':
          c = t.bigInteger(column);
          break;
        case 'number':
          c = t.double(column);
          break;
        case 'boolean':
          c = t.boolean(column);
          break;
        case 'date':
        case 'datetime':
          c = timeColumn(t, db, column);
          break;
        case 'json':
          c = db.dialect === 'sqlite' ? t.text(column) : t.jsonb(column);
          break;
      }
      if (p.nullable === false) c.notNullable();
    }
  });
  if (definition.temporalProperty) await trx.schema.alterTable(table, (t) => void t.index([propertyColumn(definition.temporalProperty!)], `${table}_time`));
  await db.spatialIndex(table, INDEX_OPTIONS).create(trx);
}

/** Filter queryables of a collection: its properties (json ones are not comparable), `id` and `geometry`. */
export function queryablesOf(layout: CollectionLayout): Record<string, QueryableColumn> {
  const out: Record<string, QueryableColumn> = {};
  for (const p of layout.definition.properties) {
    if (p.type === 'json') continue;
    out[p.name] = { column: `${layout.table}.${propertyColumn(p.name)}`, type: queryableType(p.type) };
  }
  out[ID_NAME] = { column: `${layout.table}.fid`, type: 'string' };
  out[GEOMETRY_NAME] = { column: INDEX_GEOMETRY_COLUMN, type: 'geometry' };
  out[OWNER_QUERYABLE] = { column: `${layout.table}.owner`, type: 'string' };
  return out;
}

function queryableType(type: PropertyType): QueryableColumn['type'] {
  switch (type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
    case 'datetime':
      return 'timestamp';
    default:
      return 'string';
  }
}
