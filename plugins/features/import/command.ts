/** `meridian features import`: the declaration only; cli.ts is loaded when it runs. */
import type { PluginCommand } from '../../../core/plugin.js';

export const importCommand: PluginCommand = {
  name: 'features import',
  description: 'import a GeoJSON, GeoPackage, Shapefile, CSV (WKT or longitude/latitude columns) or TopoJSON file into feature collections',
  arguments: [{ name: '<file>', description: 'the file (for a shapefile its .shp; the .dbf, .prj and .cpg beside it are read too)' }],
  options: [
    { flags: '--collection <id>', description: 'the collection to import into (default: the layer name); created when it does not exist, appended to when it does' },
    { flags: '--layer <name>', description: 'only this layer (a GeoPackage table, a TopoJSON object); default every layer, each into its own collection' },
    { flags: '--format <format>', description: 'geojson, geopackage, shapefile, csv or topojson (default: from the extension, else the first bytes)' },
    { flags: '--crs <crs>', description: "the CRS of the file's coordinates (EPSG:n), when the file does not say or says it wrongly" },
    { flags: '--wkt-column <name>', description: 'CSV: the column holding WKT geometries (default: WKT, geometry, geom, the_geom...)' },
    { flags: '--lon-column <name>', description: 'CSV: the longitude (x) column (default: lon, lng, longitude, x)' },
    { flags: '--lat-column <name>', description: 'CSV: the latitude (y) column (default: lat, latitude, y)' },
    { flags: '--delimiter <char>', description: "CSV: the delimiter (default: the one of ',', ';', tab, '|' the header line uses)" },
    { flags: '--encoding <label>', description: 'text encoding of a CSV or .dbf (default: UTF-8 for CSV; the .cpg or dBASE header for shapefiles)' },
    { flags: '--schema <file>', description: 'a JSON file {"geometryType": ..., "properties": [{"name", "type", "nullable"}...]} for a new collection, instead of the inferred schema' },
    { flags: '--title <text>', description: 'title of a created collection' },
    { flags: '--temporal-property <name>', description: 'a date or datetime property for datetime queries and the WMS time dimension' },
    { flags: '--assign-ids', description: "let the engine assign feature ids instead of keeping the file's (GeoJSON id, GeoPackage fid)" },
    { flags: '--batch-size <n>', description: 'features per transaction', type: 'integer', default: 1000 },
    { flags: '--infer-rows <n>', description: 'rows read to infer the schema of GeoJSON and CSV', type: 'integer', default: 1000 },
    { flags: '--report <file>', description: 'write each rejected row and the totals there, as JSON lines' },
    { flags: '--json', description: 'print the rejected rows and the totals as JSON lines on stdout (no progress bar)' },
  ],
  help: [
    'Large files are read as a stream, feature by feature. A row that cannot be read or does not fit the',
    "collection's schema is rejected (its row number and why) and the others are kept; each batch is one",
    'transaction.',
    '',
    'Exit status: 0 every row imported; 1 some rows rejected, or the import failed; 2 bad usage (an unreadable',
    'file, an unknown layer, format or CRS, a CSV without a geometry column, a bad --schema); 130 interrupted',
    '(the batches written before stay).',
  ].join('\n'),
  async run(invocation) {
    const { runFeaturesImportCommand } = await import('./cli.js');
    return runFeaturesImportCommand(invocation);
  },
};
