/**
 * What the vector readers yield and what an import reports. A reader turns one file (or one
 * layer of it) into a `SourceLayer`: what the source declares about itself (CRS, geometry type,
 * typed fields) and its rows, read one at a time so a large file is never held in memory.
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import type { GeometryType, PropertyType } from '../types.js';

export type VectorFormat = 'geojson' | 'geopackage' | 'shapefile' | 'csv' | 'topojson';

/** A field as the source declares it (GeoPackage columns, dBASE fields); names as in the source. */
export interface SourceField {
  name: string;
  type: PropertyType;
  /** False only when the source says so (a NOT NULL column). */
  nullable?: boolean;
}

/** One row as read. `error` is set when the row itself could not be read (bad WKT, bad JSON). */
export interface SourceRow {
  /** 1-based position of the row in the layer (the feature's index, the CSV record's number). */
  row: number;
  /** Where the row starts in the file, when that is more useful than `row` (a CSV line). */
  line?: number;
  /** The source's own feature id (GeoJSON `id`, GeoPackage primary key), when it has one. */
  id?: string;
  geometry: GeoJSONGeometry | null;
  /** Values by the source's property names. */
  properties: Record<string, unknown>;
  error?: string;
}

export interface SourceLayer {
  /** The layer's name: the table, the file's base name. */
  name: string;
  /** The CRS its coordinates are in ('EPSG:32632', 'OGC:CRS84'), undefined when the source does not say. */
  crs?: string;
  /** What the source says of its CRS when it could not be matched to an identifier (a .prj text). */
  crsDescription?: string;
  /** The geometry type the source declares; undefined when only the rows tell. */
  geometryType?: GeometryType;
  /** Typed fields the source declares; undefined when types come from the values (GeoJSON, CSV). */
  fields?: SourceField[];
  /** Values are untyped text (CSV): "12" is a number, "" is null. */
  textValues?: boolean;
  /** Number of rows when the source knows it up front (GeoPackage, Shapefile). */
  count?: number;
  /** Title and description the source carries (gpkg_contents). */
  title?: string;
  description?: string;
  /** Things worth telling that are not errors (an unknown encoding read as Latin-1). */
  warnings: string[];
  rows(): AsyncIterable<SourceRow>;
  /** How far reading has got, for progress: 0..1 when known. */
  fraction(): number | undefined;
}

export interface VectorSource {
  format: VectorFormat;
  layers: SourceLayer[];
  close(): Promise<void>;
}
