/**
 * A vector source read through a function of each row's geometry: the repairs the importer's
 * callers put between a reader and the import (the antimeridian cut, the sample countries made
 * valid). Rows are still read one at a time; the layers keep all they declare (schema, count,
 * progress), and a row without a geometry, or that could not be read, passes as it is.
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import type { SourceLayer, VectorSource } from './types.js';

/** What fn makes of a geometry: its replacement, or why the row is refused (the importer rejects it with that reason). */
export type GeometryMapped = GeoJSONGeometry | { refused: string };

/**
 * The source with each row's geometry replaced by fn(geometry). A row on which fn throws is
 * refused with `<doing>: <the error's message>` (`doing` says what fn does: "cutting at the
 * antimeridian"), so one bad geometry does not stop the import.
 */
export function mapRowGeometries(source: VectorSource, fn: (geometry: GeoJSONGeometry) => GeometryMapped, doing: string): VectorSource {
  const layers = source.layers.map(
    (layer): SourceLayer => ({
      ...layer,
      rows: async function* () {
        for await (const row of layer.rows()) {
          if (row.geometry && !row.error) {
            try {
              const mapped = fn(row.geometry);
              if ('refused' in mapped) row.error = mapped.refused;
              else row.geometry = mapped;
            } catch (err) {
              row.error = `${doing}: ${(err as Error).message}`;
            }
          }
          yield row;
        }
      },
    }),
  );
  return { ...source, layers };
}
