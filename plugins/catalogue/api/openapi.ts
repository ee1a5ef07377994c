/** The API's OpenAPI 3.0 fragment (paths relative to the mount path), merged into /openapi.json. */
import type { OpenAPIFragment } from '../../../core/registry/types.js';

const ref = (name: string) => ({ $ref: `#/components/${name}` });
const TAG = 'Catalogue records';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('schemas/CatalogueProblem') } } });
const errors = {
  '400': problem('A bad parameter or record (the locator names it)'),
  '401': problem('Authentication required (WWW-Authenticate gives the schemes)'),
  '403': problem('The policy refuses the operation'),
  '404': problem('No such record (or one the subject may not read)'),
};
const recordBody = {
  required: true,
  description: 'An OGC 17-003 / 17-084 GeoJSON feature, a STAC Item or Collection, or any document a registered metadata format reads (ISO 19139 XML...), detected from Content-Type and content.',
  content: {
    'application/geo+json': { schema: { type: 'object' } },
    'application/json': { schema: { type: 'object' } },
    'application/xml': { schema: { type: 'string' } },
  },
};
const recordResponse = (description: string) => ({
  description,
  headers: { ETag: { description: 'Entity tag of this version in this encoding', schema: { type: 'string' } } },
  content: { 'application/geo+json': { schema: { type: 'object' } } },
});
const param = (name: string, where: 'path' | 'query' | 'header', description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: where, required: where === 'path', description, schema });
const f = param('f', 'query', "Encoding: json (OGC 17-003 GeoJSON, the default), stac, or a metadata format's name (iso19139...)");
const ifMatch = param('If-Match', 'header', 'Entity tag the stored record must still have (412 otherwise)');
const access = [
  param('owner', 'query', 'Owner of the record (the policy decides who may set another than themselves)'),
  param('visibility', 'query', "public or private", { type: 'string', enum: ['public', 'private'] }),
  param('groups', 'query', 'Comma-separated groups that may read the record'),
];
const list = [
  param('limit', 'query', 'Page size', { type: 'integer', minimum: 0 }),
  param('offset', 'query', 'Records to skip', { type: 'integer', minimum: 0 }),
  param('bbox', 'query', 'minx,miny,maxx,maxy in CRS:84'),
  param('datetime', 'query', 'An instant or interval (start/end, ".." for an open end)'),
  param('q', 'query', 'Full-text terms, all required'),
  f,
];

function resource(noun: string, pathParams: unknown[], patchable = true) {
  return {
    parameters: pathParams,
    get: { tags: [TAG], summary: `Read a ${noun}`, parameters: [f, param('If-None-Match', 'header', 'Entity tag of a cached copy (304 when current)')], responses: { '200': recordResponse(`The ${noun}`), '304': { description: 'Not modified' }, ...errors } },
    put: {
      tags: [TAG],
      summary: `Replace (or create) a ${noun}`,
      parameters: [ifMatch, ...access, f],
      requestBody: recordBody,
      responses: { '200': recordResponse('Replaced'), '201': recordResponse('Created (Location names it)'), '409': problem('A record of another kind has this identifier'), '412': problem('If-Match does not hold'), '413': problem('Body too large'), '415': problem('Unsupported Content-Type'), ...errors },
    },
    ...(patchable
      ? {
          patch: {
            tags: [TAG],
            summary: `Update a ${noun} with a JSON merge patch (RFC 7396) of its 17-003 or STAC document`,
            parameters: [ifMatch, ...access, f],
            requestBody: { required: true, content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
            responses: { '200': recordResponse('Updated'), '412': problem('If-Match does not hold'), '415': problem('Not a merge patch'), ...errors },
          },
        }
      : {}),
    delete: { tags: [TAG], summary: `Delete a ${noun}`, parameters: [ifMatch], responses: { '204': { description: 'Deleted' }, '409': problem('A collection that still has products'), '412': problem('If-Match does not hold'), ...errors } },
  };
}

const cid = param('cid', 'path', 'Collection identifier');
const id = param('id', 'path', 'Record identifier');
const pageResponse = { description: 'A page: FeatureCollection (17-003 or STAC ItemCollection), or STAC { collections } with f=stac', content: { 'application/geo+json': { schema: { type: 'object' } } } };

export function catalogueOpenApi(): OpenAPIFragment {
  return {
    tags: [{ name: TAG, description: 'The catalogue API: read, create, replace, update and delete collections, products, services and applications' }],
    paths: {
      '/': { get: { tags: [TAG], summary: 'Landing page of the catalogue API', responses: { '200': { description: 'Links', content: { 'application/json': { schema: { type: 'object' } } } } } } },
      '/collections': {
        get: { tags: [TAG], summary: 'List collections', parameters: list, responses: { '200': pageResponse, ...errors } },
        post: { tags: [TAG], summary: 'Create a collection', parameters: [...access, f], requestBody: recordBody, responses: { '201': recordResponse('Created (Location names it)'), '409': problem('A record with this identifier exists'), '413': problem('Body too large'), '415': problem('Unsupported Content-Type'), ...errors } },
      },
      '/collections/{cid}': resource('collection', [cid]),
      '/collections/{cid}/items': {
        parameters: [cid],
        get: { tags: [TAG], summary: "List a collection's products", parameters: list, responses: { '200': pageResponse, ...errors } },
        post: {
          tags: [TAG],
          summary: 'Create a product, or many at once from a FeatureCollection / STAC ItemCollection (all or none)',
          parameters: [...access, f],
          requestBody: recordBody,
          responses: {
            '201': { description: 'Created: the product (Location names it), or for a batch { numberCreated, items: [{ id, href }] }', content: { 'application/geo+json': { schema: { type: 'object' } }, 'application/json': { schema: { type: 'object' } } } },
            '409': problem('A record with one of these identifiers exists'),
            '413': problem('Body too large'),
            '415': problem('Unsupported Content-Type'),
            ...errors,
          },
        },
      },
      '/collections/{cid}/items/{id}': resource('product', [cid, id]),
      '/records': { get: { tags: [TAG], summary: 'List records in no collection (services, applications, products without a collection)', parameters: list, responses: { '200': pageResponse, ...errors } } },
      '/records/{id}': resource('service or application record', [id]),
    },
    components: {
      schemas: {
        CatalogueProblem: {
          type: 'object',
          description: 'RFC 7807 problem document',
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, locator: { type: 'string' } },
        },
      },
    },
  };
}
