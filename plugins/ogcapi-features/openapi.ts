/**
 * The plugin's OpenAPI 3.0 fragment (paths relative to the mount path), merged by the core into
 * /openapi.json, which the landing page's service-desc link names. Component names carry an
 * `OAPIF` prefix so they never clash with another plugin's.
 */
import type { OpenAPIFragment } from '../../core/registry/types.js';

const TAG = 'OGC API - Features';
const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({ $ref: `#/components/${kind}/OAPIF${name}` });

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('schemas', 'Exception') } } });

export interface OpenApiOptions {
  defaultLimit: number;
  maxLimit: number;
  transactions: boolean;
}

export function featuresOpenApi(options: OpenApiOptions): OpenAPIFragment {
  const json = (schema: string, type = 'application/json') => ({ [type]: { schema: ref('schemas', schema) }, 'text/html': { schema: { type: 'string' } } });
  const errors = {
    '400': problem('A bad parameter (the locator names it)'),
    '404': problem('No such collection or feature'),
    '406': problem('The requested encoding is not offered'),
    '500': problem('A server error'),
  };
  const writeErrors = {
    '400': problem('The body is not a GeoJSON feature of this collection'),
    '401': problem('Authentication required (WWW-Authenticate gives the schemes)'),
    '403': problem('The policy refuses the operation'),
    '404': problem('No such collection or feature'),
    '409': problem('A feature with this id exists'),
    '413': problem('Body too large'),
    '415': problem('Unsupported Content-Type'),
  };
  const featureBody = (types: string[]) => ({
    required: true,
    description: 'A GeoJSON feature in the CRS the Content-Crs header names (CRS84 by default)',
    content: Object.fromEntries(types.map((t) => [t, { schema: ref('schemas', 'FeatureGeoJSON') }])),
  });
  const contentCrs = { name: 'Content-Crs', in: 'header', required: false, description: 'CRS of the body\'s coordinates, as <URI>', schema: { type: 'string' } };
  const item = {
    parameters: [ref('parameters', 'CollectionId'), ref('parameters', 'FeatureId')],
    get: {
      tags: [TAG],
      operationId: 'oapifGetFeature',
      summary: 'Fetch a single feature',
      parameters: [ref('parameters', 'Crs'), ref('parameters', 'F')],
      responses: {
        '200': { description: 'The feature', headers: { 'Content-Crs': { schema: { type: 'string' } } }, content: json('FeatureGeoJSON', 'application/geo+json') },
        ...errors,
      },
    },
    ...(options.transactions
      ? {
          put: { tags: [TAG], operationId: 'oapifReplaceFeature', summary: 'Replace a feature', parameters: [contentCrs], requestBody: featureBody(['application/geo+json', 'application/json']), responses: { '204': { description: 'Replaced' }, ...writeErrors } },
          patch: {
            tags: [TAG],
            operationId: 'oapifUpdateFeature',
            summary: 'Update a feature with a JSON merge patch (RFC 7396) of its GeoJSON (properties set to null are cleared)',
            parameters: [contentCrs],
            requestBody: { required: true, content: { 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/json': { schema: { type: 'object' } } } },
            responses: { '204': { description: 'Updated' }, ...writeErrors },
          },
          delete: { tags: [TAG], operationId: 'oapifDeleteFeature', summary: 'Delete a feature', responses: { '204': { description: 'Deleted' }, ...writeErrors } },
        }
      : {}),
  };
  return {
    tags: [{ name: TAG, description: 'Feature collections: OGC API - Features Parts 1 (Core), 2 (CRS), 3 (Filtering, CQL2) and 4 (Create, Replace, Update, Delete)' }],
    paths: {
      '/': { get: { tags: [TAG], operationId: 'oapifLandingPage', summary: 'Landing page', parameters: [ref('parameters', 'F')], responses: { '200': { description: 'Links to the API definition, the conformance classes and the collections', content: json('LandingPage') }, ...errors } } },
      '/conformance': { get: { tags: [TAG], operationId: 'oapifConformance', summary: 'Conformance classes', parameters: [ref('parameters', 'F')], responses: { '200': { description: 'The conformance classes implemented', content: json('ConfClasses') }, ...errors } } },
      '/collections': { get: { tags: [TAG], operationId: 'oapifCollections', summary: 'Feature collections', parameters: [ref('parameters', 'F')], responses: { '200': { description: 'The collections the subject may read', content: json('Collections') }, ...errors } } },
      '/collections/{collectionId}': {
        parameters: [ref('parameters', 'CollectionId')],
        get: { tags: [TAG], operationId: 'oapifCollection', summary: 'A feature collection', parameters: [ref('parameters', 'F')], responses: { '200': { description: 'The collection', content: json('Collection') }, ...errors } },
      },
      '/collections/{collectionId}/queryables': {
        parameters: [ref('parameters', 'CollectionId')],
        get: {
          tags: [TAG],
          operationId: 'oapifQueryables',
          summary: 'The properties filters may name (JSON Schema)',
          parameters: [ref('parameters', 'F')],
          responses: { '200': { description: 'A JSON Schema of the queryables', content: { 'application/schema+json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } } } }, ...errors },
        },
      },
      '/collections/{collectionId}/items': {
        parameters: [ref('parameters', 'CollectionId')],
        get: {
          tags: [TAG],
          operationId: 'oapifGetFeatures',
          summary: 'Features of a collection; queryables may also be given as name=value',
          parameters: ['Limit', 'Offset', 'Bbox', 'BboxCrs', 'Datetime', 'Crs', 'Filter', 'FilterLang', 'FilterCrs', 'F'].map((p) => ref('parameters', p)),
          responses: {
            '200': { description: 'A page of features (next link when more match)', headers: { 'Content-Crs': { schema: { type: 'string' } } }, content: json('FeatureCollectionGeoJSON', 'application/geo+json') },
            ...errors,
          },
        },
        ...(options.transactions
          ? { post: { tags: [TAG], operationId: 'oapifCreateFeature', summary: 'Add a feature (or each feature of a FeatureCollection, all or none)', parameters: [contentCrs], requestBody: featureBody(['application/geo+json', 'application/json']), responses: { '201': { description: 'Created; Location names the new feature' }, ...writeErrors } } }
          : {}),
      },
      '/collections/{collectionId}/items/{featureId}': item,
    },
    components: {
      parameters: {
        OAPIFCollectionId: { name: 'collectionId', in: 'path', required: true, description: 'Identifier of a collection', schema: { type: 'string' } },
        OAPIFFeatureId: { name: 'featureId', in: 'path', required: true, description: 'Identifier of a feature', schema: { type: 'string' } },
        OAPIFF: { name: 'f', in: 'query', required: false, description: 'Encoding: json (GeoJSON for features) or html; else the Accept header decides', schema: { type: 'string', enum: ['json', 'html'] } },
        OAPIFLimit: { name: 'limit', in: 'query', required: false, style: 'form', explode: false, description: `Page size (larger values are capped at ${options.maxLimit})`, schema: { type: 'integer', minimum: 1, maximum: options.maxLimit, default: options.defaultLimit } },
        OAPIFOffset: { name: 'offset', in: 'query', required: false, description: 'Features to skip (the next links carry it)', schema: { type: 'integer', minimum: 0, default: 0 } },
        OAPIFBbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          style: 'form',
          explode: false,
          description: 'Features whose geometry intersects the box: minx,miny,maxx,maxy (or 6 numbers with heights) in bbox-crs, CRS84 by default',
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        OAPIFBboxCrs: { name: 'bbox-crs', in: 'query', required: false, description: 'CRS of bbox (a URI of the collection\'s crs list)', schema: { type: 'string', format: 'uri' } },
        OAPIFDatetime: { name: 'datetime', in: 'query', required: false, description: "An instant or interval (start/end, '..' for an open end) on the collection's temporal property", schema: { type: 'string' } },
        OAPIFCrs: { name: 'crs', in: 'query', required: false, description: 'CRS of the response geometries (a URI of the collection\'s crs list); CRS84 by default', schema: { type: 'string', format: 'uri' } },
        OAPIFFilter: { name: 'filter', in: 'query', required: false, description: 'A CQL2 filter on the queryables', schema: { type: 'string' } },
        OAPIFFilterLang: { name: 'filter-lang', in: 'query', required: false, description: 'Language of filter', schema: { type: 'string', enum: ['cql2-text', 'cql2-json'], default: 'cql2-text' } },
        OAPIFFilterCrs: { name: 'filter-crs', in: 'query', required: false, description: 'CRS of the geometry literals in filter; CRS84 by default', schema: { type: 'string', format: 'uri' } },
      },
      schemas: {
        OAPIFLink: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, hreflang: { type: 'string' }, title: { type: 'string' } } },
        OAPIFLandingPage: { type: 'object', required: ['links'], properties: { title: { type: 'string' }, description: { type: 'string' }, links: { type: 'array', items: ref('schemas', 'Link') } } },
        OAPIFConfClasses: { type: 'object', required: ['conformsTo'], properties: { conformsTo: { type: 'array', items: { type: 'string' } } } },
        OAPIFCollection: {
          type: 'object',
          required: ['id', 'links'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            links: { type: 'array', items: ref('schemas', 'Link') },
            extent: { type: 'object' },
            itemType: { type: 'string', default: 'feature' },
            crs: { type: 'array', items: { type: 'string' } },
            storageCrs: { type: 'string' },
          },
        },
        OAPIFCollections: { type: 'object', required: ['links', 'collections'], properties: { links: { type: 'array', items: ref('schemas', 'Link') }, collections: { type: 'array', items: ref('schemas', 'Collection') }, crs: { type: 'array', items: { type: 'string' } } } },
        OAPIFFeatureGeoJSON: { type: 'object', required: ['type', 'geometry', 'properties'], properties: { type: { type: 'string', enum: ['Feature'] }, id: { oneOf: [{ type: 'string' }, { type: 'integer' }] }, geometry: { type: 'object', nullable: true }, properties: { type: 'object', nullable: true }, links: { type: 'array', items: ref('schemas', 'Link') } } },
        OAPIFFeatureCollectionGeoJSON: {
          type: 'object',
          required: ['type', 'features'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: ref('schemas', 'FeatureGeoJSON') },
            links: { type: 'array', items: ref('schemas', 'Link') },
            timeStamp: { type: 'string', format: 'date-time' },
            numberMatched: { type: 'integer', minimum: 0 },
            numberReturned: { type: 'integer', minimum: 0 },
          },
        },
        OAPIFException: { type: 'object', required: ['type'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, code: { type: 'string' }, locator: { type: 'string' } } },
      },
    },
  };
}
