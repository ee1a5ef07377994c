/**
 * Features another program hands over (a package's own API, records built in memory) as a
 * source the importer reads like a file: one layer, typed fields declared, each record a GeoJSON
 * geometry and its properties. Reported as GeoJSON, the form the rows already have.
 */
import type { GeoJSONGeometry } from '../../../../core/filter/index.js';
import type { GeometryType } from '../../types.js';
import type { SourceField, SourceLayer, SourceRow, VectorSource } from '../types.js';

export interface FeatureRecord {
  id?: string;
  geometry: GeoJSONGeometry | null;
  properties: Record<string, unknown>;
}

export interface RecordsLayerOptions {
  /** The layer's name. */
  name: string;
  fields: SourceField[];
  geometryType?: GeometryType;
  /** Default CRS84. */
  crs?: string;
}

/** One layer of the records given, read in order (an array is counted up front, for progress). */
export function recordsSource(records: Iterable<FeatureRecord> | readonly FeatureRecord[], options: RecordsLayerOptions): VectorSource {
  const count = Array.isArray(records) ? records.length : undefined;
  let done = 0;
  const layer: SourceLayer = {
    name: options.name,
    crs: options.crs ?? 'OGC:CRS84',
    fields: options.fields,
    ...(options.geometryType ? { geometryType: options.geometryType } : {}),
    ...(count !== undefined ? { count } : {}),
    warnings: [],
    fraction: () => (count === undefined ? undefined : count ? done / count : 1),
    rows: async function* (): AsyncGenerator<SourceRow> {
      for (const record of records) {
        done++;
        const row: SourceRow = { row: done, geometry: record.geometry, properties: record.properties };
        if (record.id !== undefined) row.id = record.id;
        yield row;
      }
    },
  };
  return { format: 'geojson', layers: [layer], close: async () => undefined };
}
