/** The OpenSearch-EO plugin: two-step search of the catalogue (see README.md). */
import type { Plugin } from '../../core/plugin.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { DescriptionSettings } from './description.js';
import { opensearchErrorEncoder } from './errors.js';
import { openApiFragment } from './openapi.js';
import { parseSortKeys } from './request.js';
import { openSearchRoutes } from './routes.js';

/** The plugin's config: the description documents' settings, and how feeds and options are written. */
export interface OpenSearchConfig extends DescriptionSettings {
  author: string;
  /** In sortKeys syntax; parsed at setup. */
  defaultSort: string;
  facetLimit: number;
  descriptionCacheSeconds: number;
}

const VERSION = '0.1.0';

/**
 * Conformance classes: OpenSearch Geo and Time (OGC 10-032r8), OpenSearch EO (OGC 13-026r9),
 * the GeoJSON response (OGC 17-047). 17-047's classes live under spec/os-geojson/1.0 (the
 * requirements class its responses name, http://www.opengis.net/spec/os-geojson/1.0/req/core);
 * the other two URIs follow the standards' short names (the schemas' opensearchgeo/1.0) and have
 * not been checked against their abstract test suites.
 */
export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/opensearchgeo/1.0/conf/core',
  'http://www.opengis.net/spec/opensearch-eo/1.0/conf/core',
  'http://www.opengis.net/spec/os-geojson/1.0/conf/core',
];

const plugin: Plugin<OpenSearchConfig> = {
  name: 'opensearch',
  version: VERSION,
  description: 'OpenSearch with the Geo, Time and EO extensions: description documents, collection and product search in Atom and GeoJSON',
  defaultPath: '/opensearch',
  requires: ['catalogue'],
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxRecords: { type: 'integer', minimum: 1, default: 50, description: 'Largest count a search may ask for (advertised in the templates); at most the catalogue maxLimit.' },
      defaultRecords: { type: 'integer', minimum: 0, default: 10, description: 'Results per page when a search gives no count.' },
      shortName: { type: 'string', minLength: 1, maxLength: 16, default: 'Meridian', description: 'os:ShortName of the description documents.' },
      longName: { type: 'string', minLength: 1, maxLength: 48, default: 'Meridian EO catalogue', description: 'os:LongName of the collection-level description.' },
      description: { type: 'string', minLength: 1, maxLength: 1024, default: 'Search the Earth Observation collections of this platform, then the products of each (two-step search).', description: 'os:Description of the collection-level description.' },
      contact: { type: 'string', pattern: '.+@.+', description: 'os:Contact: an e-mail address.' },
      attribution: { type: 'string', maxLength: 256, description: 'os:Attribution.' },
      tags: { type: 'string', maxLength: 256, description: 'os:Tags, space-separated.' },
      author: { type: 'string', minLength: 1, default: 'Meridian', description: 'Author named in the feeds.' },
      sortable: {
        type: 'array',
        items: { type: 'string' },
        default: ['start', 'end', 'updated', 'created', 'identifier', 'title', 'cloudCover', 'snowCover', 'orbitNumber', 'resolution', 'creationDate', 'modificationDate'],
        description: 'Queryables the sortKeys parameter offers (empty: no sort parameter).',
      },
      defaultSort: { type: 'string', default: 'start,,0', description: 'Sort when a search gives none, in sortKeys syntax (start,,0: newest first); empty for insertion order.' },
      facetLimit: { type: 'integer', minimum: 0, default: 100, description: 'Most values (with counts) one parameter lists as options.' },
      descriptionCacheSeconds: {
        type: 'integer',
        minimum: 0,
        default: 60,
        description: "How long a description document's option counts and ranges are reused for the same subject (counting every enumerable field of a large collection takes seconds); 0 counts on every request.",
      },
    },
  },
  async setup(ctx) {
    const catalogue = ctx.service<CatalogueService>('catalogue');
    const config = ctx.config;
    const known = new Map(catalogue.queryables().map((q) => [q.name, q]));
    for (const [i, field] of config.sortable.entries()) {
      const q = known.get(field);
      if (!q || q.type === 'geometry' || q.name === 'keywords') throw new Error(`plugins.opensearch.sortable[${i}]: '${field}' is not a sortable catalogue queryable`);
    }
    if (config.defaultRecords > config.maxRecords) throw new Error(`plugins.opensearch.defaultRecords: ${config.defaultRecords} is more than maxRecords (${config.maxRecords})`);
    let defaultSort;
    try {
      defaultSort = config.defaultSort.trim() === '' ? [] : parseSortKeys(config.defaultSort, config.sortable);
    } catch (err) {
      throw new Error(`plugins.opensearch.defaultSort: ${(err as Error).message}`);
    }
    // The advertised maximum is one the engine serves.
    const maxRecords = Math.min(config.maxRecords, catalogue.limits.maxLimit);
    if (maxRecords < config.maxRecords) ctx.logger.warn({ maxRecords: config.maxRecords, maxLimit: catalogue.limits.maxLimit }, 'opensearch: maxRecords is above the catalogue maxLimit; advertising the catalogue maxLimit');
    if (config.defaultRecords > maxRecords) throw new Error(`plugins.opensearch.defaultRecords: ${config.defaultRecords} is more than the catalogue serves (maxLimit ${maxRecords})`);
    const settings = { ...config, maxRecords, version: VERSION, defaultSort };
    const routes = openSearchRoutes({ catalogue, settings, mountPath: ctx.mountPath, baseUrl: ctx.baseUrl, metrics: ctx.metrics });
    return {
      routes,
      errorEncoder: opensearchErrorEncoder(),
      services: [
        {
          type: 'OpenSearch',
          versions: ['1.1'],
          title: config.longName,
          url: ctx.mountPath || '/',
          capabilitiesUrl: `${ctx.mountPath}/description`,
          conformsTo: CONFORMANCE_CLASSES,
          description: 'OpenSearch Geo/Time/EO two-step search: collections, then products; Atom and GeoJSON',
        },
      ],
      conformsTo: CONFORMANCE_CLASSES,
      openapi: openApiFragment,
    };
  },
};
export default plugin;
