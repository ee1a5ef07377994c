/**
 * Sample feature collections for a first start (`npm start`): Natural Earth data converted from
 * the npm packages that ship it, through the importer (so a sample goes the way a user's file
 * goes). Each sample names the package file it reads; one whose package is not installed is
 * skipped and said so, never fatal. A collection that exists already is left as it is.
 *
 * Natural Earth is public domain (naturalearthdata.com); world-atlas packages it as TopoJSON.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { authenticatedSubject } from '../../core/auth/index.js';
import type { Subject } from '../../core/auth/types.js';
import { importVectorSource, type ImportReport } from './import/importer.js';
import { topologySource, type Topology } from './import/readers/topojson.js';
import type { FeaturesService } from './types.js';

export interface SampleCollection {
  id: string;
  title: string;
  description: string;
  keywords: string[];
  /** The npm package and the file in it. */
  package: string;
  file: string;
  /** The TopoJSON object holding the features. */
  object: string;
}

export const SAMPLE_COLLECTIONS: SampleCollection[] = [
  {
    id: 'countries',
    title: 'Countries (Natural Earth 1:110m)',
    description: 'Admin-0 countries of Natural Earth at 1:110 million: name and ISO 3166-1 numeric code. Public domain, naturalearthdata.com; from the world-atlas package.',
    keywords: ['Natural Earth', 'countries', 'boundaries', 'sample'],
    package: 'world-atlas',
    file: 'countries-110m.json',
    object: 'countries',
  },
];

/** Who loads the samples: the platform itself, as an administrator. */
const SAMPLE_SUBJECT: Subject = authenticatedSubject({ id: 'meridian', issuer: 'meridian:system', method: 'system', groups: ['admin'] });

export interface SampleLoad {
  id: string;
  /** Features written; 0 when skipped. */
  imported: number;
  skipped?: string;
  durationMs: number;
}

/** Creates the sample collections that do not exist yet; what was loaded, what skipped and why. */
export async function loadSampleCollections(features: FeaturesService, samples: readonly SampleCollection[] = SAMPLE_COLLECTIONS): Promise<SampleLoad[]> {
  const require = createRequire(import.meta.url);
  const out: SampleLoad[] = [];
  for (const sample of samples) {
    const started = performance.now();
    const done = (imported: number, skipped?: string) => out.push({ id: sample.id, imported, ...(skipped ? { skipped } : {}), durationMs: Math.round(performance.now() - started) });
    if (await features.collection(sample.id, SAMPLE_SUBJECT)) {
      done(0, 'the collection exists');
      continue;
    }
    let path: string;
    try {
      path = require.resolve(`${sample.package}/${sample.file}`);
    } catch {
      done(0, `the ${sample.package} package is not installed`);
      continue;
    }
    const topology = JSON.parse(await readFile(path, 'utf8')) as Topology;
    const source = topologySource(topology, sample.file);
    let report: ImportReport;
    try {
      report = await importVectorSource(features, source, path, SAMPLE_SUBJECT, {
        layer: sample.object,
        collection: sample.id,
        title: sample.title,
        description: sample.description,
        keywords: sample.keywords,
        // TopoJSON ids are ISO numeric codes, some missing: kept as a property, the engine numbers the features.
        ids: 'assign',
        sourceIdProperty: 'iso_n3',
        schema: { geometryType: 'MultiPolygon', properties: [{ name: 'name', type: 'string' }, { name: 'iso_n3', type: 'string' }] },
      });
    } finally {
      await source.close();
    }
    done(report.imported);
  }
  return out;
}
