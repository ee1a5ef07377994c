import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openVectorFile } from '../../../../plugins/features/import/readers/index.js';
import type { SourceLayer, SourceRow } from '../../../../plugins/features/import/types.js';
import { assertSameGeometry, gdalFeatures, ogr2ogr, ogrinfo, readAll, SOURCE_FEATURES, writeSource, type GdalFeature } from './support.js';

/** ogrinfo's field types as the readers declare them. */
const OGR_TYPES: Record<string, string> = { String: 'string', Integer: 'integer', Integer64: 'integer', Real: 'number', Date: 'date', DateTime: 'datetime', 'Integer(Boolean)': 'boolean' };

/** Every row equals GDAL's reading of the same file: count, order, geometry, attributes. */
function assertSameAsGdal(rows: SourceRow[], gdal: GdalFeature[], compare: (mine: unknown, theirs: unknown, key: string) => void = (a, b, k) => assert.deepEqual(a, b, k)): void {
  assert.equal(rows.length, gdal.length, 'feature count');
  rows.forEach((r, i) => {
    assert.equal(r.error, undefined, `row ${r.row}: ${r.error}`);
    assertSameGeometry(r.geometry, gdal[i]!.geometry, `row ${r.row}`);
    assert.deepEqual(Object.keys(r.properties), Object.keys(gdal[i]!.properties), `row ${r.row} property names`);
    for (const [k, v] of Object.entries(gdal[i]!.properties)) compare(r.properties[k], v, `row ${r.row} ${k}`);
  });
}

function assertDeclaredTypes(layer: SourceLayer, path: string, layerIndex = 0): void {
  const info = ogrinfo(path)[layerIndex]!;
  assert.equal(layer.count, info.count);
  assert.deepEqual(Object.fromEntries(layer.fields!.map((f) => [f.name, f.type])), Object.fromEntries(Object.entries(info.fields).map(([k, t]) => [k, OGR_TYPES[t]])));
}

describe('features import readers (against GDAL)', function () {
  this.timeout(60000);
  let dir: string;
  let source: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-features-readers-'));
    source = writeSource(join(dir, 'source.geojson'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('GeoJSON written by GDAL: features, ids, typed values and geometries as GDAL reads them, CRS84', async () => {
    const path = join(dir, 'gdal.geojson');
    ogr2ogr(['-f', 'GeoJSON', path, source]);
    const s = await openVectorFile(path);
    assert.equal(s.format, 'geojson');
    assert.equal(s.layers[0]!.crs, 'OGC:CRS84');
    const rows = await readAll(s);
    assertSameAsGdal(rows, gdalFeatures(path));
    assert.deepEqual(rows.map((r) => r.id), ['1', '2', '3', '4']);
    await s.close();
  });

  it('GeoJSON in EPSG:2056: the crs member GDAL writes gives the layer CRS', async () => {
    const path = join(dir, 'lv95.geojson');
    ogr2ogr(['-f', 'GeoJSON', '-t_srs', 'EPSG:2056', path, source]);
    const s = await openVectorFile(path);
    assert.equal(s.layers[0]!.crs, 'EPSG:2056');
    assertSameAsGdal(await readAll(s), gdalFeatures(path));
    await s.close();
  });

  it('GeoPackage: every table (features in two CRSs, attributes), declared column types, SRS, ids and geometries as GDAL reads them', async () => {
    const path = join(dir, 'many.gpkg');
    ogr2ogr(['-f', 'GPKG', path, source, '-nln', 'towns']);
    ogr2ogr(['-f', 'GPKG', '-update', path, source, '-nln', 'towns_lv95', '-t_srs', 'EPSG:2056', '-nlt', 'PROMOTE_TO_MULTI']);
    const csv = join(dir, 'attributes.csv');
    writeFileSync(csv, 'code,label,weight\n1,one,1.5\n2,two,\n');
    ogr2ogr(['-f', 'GPKG', '-update', path, csv, '-nln', 'codes', '-oo', 'AUTODETECT_TYPE=YES']);
    const s = await openVectorFile(path);
    assert.equal(s.format, 'geopackage');
    const info = ogrinfo(path);
    assert.deepEqual(s.layers.map((l) => l.name), ['codes', 'towns', 'towns_lv95']);
    for (const [i, layer] of s.layers.entries()) {
      const ogr = info.find((l) => l.name === layer.name)!;
      assertDeclaredTypes(layer, path, info.indexOf(ogr));
      assert.equal(layer.crs, ogr.epsg === undefined ? undefined : `EPSG:${ogr.epsg}`);
      const rows = await readAll(s, i);
      assertSameAsGdal(rows, gdalFeatures(path, layer.name), (mine, theirs, key) => {
        // GDAL prints a DateTime without its milliseconds.
        if (typeof mine === 'string' && /T\d\d:\d\d:\d\d\.000Z$/.test(mine)) assert.equal(mine.replace('.000Z', 'Z'), theirs, key);
        else assert.deepEqual(mine, theirs, key);
      });
      assert.deepEqual(rows.map((r) => r.id), rows.map((_, n) => String(n + 1)));
    }
    assert.equal(s.layers.find((l) => l.name === 'towns')!.geometryType, 'Geometry', 'GDAL declares GEOMETRY for mixed polygons');
    assert.equal(s.layers.find((l) => l.name === 'codes')!.geometryType, 'Geometry');
    await s.close();
  });

  it('GeoPackage geometries with Z, M, ZM and empty ones (the empty flag), as GDAL reads them', async () => {
    const csv = join(dir, 'dims.csv');
    writeFileSync(csv, ['WKT,n', '"POINT Z (1 2 3)",1', '"LINESTRING M (0 0 5,1 1 6)",2', '"POLYGON ZM ((0 0 1 9,1 0 2 9,1 1 3 9,0 0 1 9))",3', '"POINT EMPTY",4', '"MULTIPOINT Z ((1 2 3),(4 5 6))",5', '"GEOMETRYCOLLECTION (POINT (1 2),LINESTRING (0 0,1 1))",6'].join('\n'));
    const path = join(dir, 'dims.gpkg');
    ogr2ogr(['-f', 'GPKG', path, csv, '-nln', 'dims', '-a_srs', 'EPSG:4326']);
    const s = await openVectorFile(path);
    const rows = await readAll(s);
    const gdal = gdalFeatures(path);
    assert.equal(rows.length, 6);
    rows.forEach((r, i) => assertSameGeometry(r.geometry, gdal[i]!.geometry, `row ${i + 1}`));
    assert.deepEqual(rows[0]!.geometry, { type: 'Point', coordinates: [1, 2, 3] });
    assert.deepEqual(rows[1]!.geometry, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, 'M dropped');
    assert.equal(rows[3]!.geometry, null);
    await s.close();
  });

  it('Shapefile: .dbf types, UTF-8 text from the .cpg, rings grouped into polygons with their holes, as GDAL reads them', async () => {
    const path = join(dir, 'towns.shp');
    ogr2ogr(['-f', 'ESRI Shapefile', path, source, '-lco', 'ENCODING=UTF-8']);
    const s = await openVectorFile(path);
    assert.equal(s.format, 'shapefile');
    const layer = s.layers[0]!;
    assert.equal(layer.crs, 'EPSG:4326');
    assert.equal(layer.geometryType, 'MultiPolygon');
    assertDeclaredTypes(layer, path);
    const rows = await readAll(s);
    assertSameAsGdal(rows, gdalFeatures(path));
    assert.equal(rows[0]!.properties.name, 'Zürich, "HB"');
    assert.equal((rows[3]!.geometry!.coordinates as unknown[]).length, 3, 'outer ring and two holes');
    await s.close();
  });

  it('Shapefile in Latin-1 (the .cpg says so), points in EPSG:2056 (the .prj matched to its EPSG code), lines, PointZ', async () => {
    const latin = join(dir, 'latin.shp');
    ogr2ogr(['-f', 'ESRI Shapefile', latin, source, '-lco', 'ENCODING=ISO-8859-1', '-t_srs', 'EPSG:2056']);
    assert.match(readFileSync(join(dir, 'latin.cpg'), 'latin1'), /8859/);
    let s = await openVectorFile(latin);
    assert.equal(s.layers[0]!.crs, 'EPSG:2056');
    let rows = await readAll(s);
    assertSameAsGdal(rows, gdalFeatures(latin));
    assert.equal(rows[2]!.properties.name, 'Genève\nline two');
    await s.close();

    const csv = join(dir, 'shapes.csv');
    writeFileSync(csv, ['WKT,n', '"LINESTRING (0 0,1 1,2 0)",1', '"MULTILINESTRING ((0 0,1 1),(2 2,3 3))",2'].join('\n'));
    const lines = join(dir, 'lines.shp');
    ogr2ogr(['-f', 'ESRI Shapefile', lines, csv, '-a_srs', 'EPSG:32632', '-nlt', 'LINESTRING']);
    s = await openVectorFile(lines);
    assert.equal(s.layers[0]!.crs, 'EPSG:32632');
    assert.equal(s.layers[0]!.geometryType, 'MultiLineString');
    assertSameAsGdal(await readAll(s), gdalFeatures(lines));
    await s.close();

    writeFileSync(csv, ['WKT,n', '"POINT Z (7 46 500)",1', '"POINT Z (8 47 600.5)",2'].join('\n'));
    const points = join(dir, 'pointz.shp');
    ogr2ogr(['-f', 'ESRI Shapefile', points, csv, '-a_srs', 'EPSG:4326']);
    s = await openVectorFile(points);
    rows = await readAll(s);
    assertSameAsGdal(rows, gdalFeatures(points));
    assert.deepEqual(rows[1]!.geometry, { type: 'Point', coordinates: [8, 47, 600.5] });
    await s.close();
  });

  it('CSV with a WKT column as GDAL writes it: quoted fields, embedded quotes, commas and line breaks; values as GDAL reads them (text)', async () => {
    const path = join(dir, 'wkt.csv');
    ogr2ogr(['-f', 'CSV', path, source, '-lco', 'GEOMETRY=AS_WKT']);
    const s = await openVectorFile(path);
    assert.equal(s.format, 'csv');
    const rows = await readAll(s);
    // GDAL's CSV driver reads values as text; its geometry from the WKT column.
    assertSameAsGdal(rows, gdalFeatures(path).map((f) => ({ ...f, properties: Object.fromEntries(Object.entries(f.properties).filter(([k]) => k !== 'WKT')) })));
    assert.equal(rows[2]!.properties.name, 'Genève\nline two');
    assert.equal(rows[3]!.line, 6, 'the record after a two-line record starts on line 6');
    await s.close();
  });

  it('CSV with X/Y columns and a semicolon delimiter (detected), points as GDAL reads them', async () => {
    const points = join(dir, 'points.geojson');
    writeSource(points, SOURCE_FEATURES.map((f, i) => ({ ...f, geometry: { type: 'Point', coordinates: [7 + i / 3, 46 + i / 7] } })));
    const path = join(dir, 'xy.csv');
    ogr2ogr(['-f', 'CSV', path, points, '-lco', 'GEOMETRY=AS_XY', '-lco', 'SEPARATOR=SEMICOLON']);
    assert.match(readFileSync(path, 'utf8').split('\n')[0]!, /^X;Y;/);
    const s = await openVectorFile(path);
    assert.equal(s.layers[0]!.geometryType, 'Point');
    const rows = await readAll(s);
    const gdal = execGdalXy(path);
    assert.equal(rows.length, gdal.length);
    rows.forEach((r, i) => assertSameGeometry(r.geometry, gdal[i]!.geometry, `row ${i + 1}`));
    assert.deepEqual(Object.keys(rows[0]!.properties), ['name', 'pop', 'area', 'founded', 'updated']);
    await s.close();
  });
});

/** GDAL's reading of an X/Y CSV, its point geometry from the X and Y columns. */
function execGdalXy(path: string): GdalFeature[] {
  const out = join(path, '..', 'xy-read.geojson');
  ogr2ogr(['-f', 'GeoJSON', '-lco', 'COORDINATE_PRECISION=15', out, path, '-oo', 'X_POSSIBLE_NAMES=X', '-oo', 'Y_POSSIBLE_NAMES=Y']);
  return (JSON.parse(readFileSync(out, 'utf8')) as { features: GdalFeature[] }).features;
}
