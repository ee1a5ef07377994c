/** The formats the importer reads, by name, file extension and media type (kept light: the routes load it at start-up). */
import type { VectorFormat } from './types.js';

export const FORMATS: readonly VectorFormat[] = ['geojson', 'geopackage', 'shapefile', 'csv', 'topojson'];

export const EXTENSIONS: Record<string, VectorFormat> = {
  '.geojson': 'geojson', '.json': 'geojson', '.geojsonl': 'geojson', '.geojsons': 'geojson', '.geojsonseq': 'geojson', '.ndjson': 'geojson', '.jsonl': 'geojson',
  '.gpkg': 'geopackage', '.sqlite': 'geopackage',
  '.shp': 'shapefile', '.dbf': 'shapefile', '.shx': 'shapefile', '.zip': 'shapefile',
  '.csv': 'csv', '.tsv': 'csv', '.txt': 'csv',
  '.topojson': 'topojson',
};

/** Media types the import API takes for each format. */
export const MEDIA_TYPES: Record<string, VectorFormat> = {
  'application/geo+json': 'geojson', 'application/json': 'geojson', 'application/geo+json-seq': 'geojson', 'application/x-ndjson': 'geojson',
  'application/geopackage+sqlite3': 'geopackage', 'application/x-sqlite3': 'geopackage', 'application/vnd.sqlite3': 'geopackage',
  'text/csv': 'csv', 'text/tab-separated-values': 'csv',
  'application/topo+json': 'topojson',
  'application/zip': 'shapefile', 'application/x-zip-compressed': 'shapefile', 'application/x-shapefile': 'shapefile',
};

