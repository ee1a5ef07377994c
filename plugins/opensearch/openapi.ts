/** The plugin's OpenAPI fragment (paths relative to its mount). */
import type { OpenAPIFragment } from '../../core/registry/types.js';
import { CORE_PARAMETERS, SORT_PARAMETER } from './params.js';

const TAG = 'OpenSearch';

const searchParameters = [...CORE_PARAMETERS, SORT_PARAMETER].map((p) => ({
  name: p.name,
  in: 'query',
  required: false,
  description: `${p.title} (${p.qname})`,
  schema: p.options ? { type: 'string', enum: [...p.options] } : ['count', 'startIndex', 'startPage'].includes(p.name) ? { type: 'integer', minimum: p.minInclusive } : { type: 'string' },
}));

const encoding = [
  { name: 'httpAccept', in: 'query', required: false, description: 'Response media type: application/atom+xml (default) or application/geo+json', schema: { type: 'string' } },
  { name: 'format', in: 'query', required: false, description: 'atom or json, when httpAccept is not given', schema: { type: 'string', enum: ['atom', 'json', 'geojson'] } },
];

const entryEncoding = [
  ...encoding,
  { name: 'recordSchema', in: 'query', required: false, description: 'A catalogue metadata format (iso19139, eop21, ogc17-003, stac, dublin-core...): the record in that encoding', schema: { type: 'string' } },
];

const cid = { name: 'cid', in: 'path', required: true, description: 'Collection identifier', schema: { type: 'string' } };
const pid = { name: 'pid', in: 'path', required: true, description: 'Product identifier', schema: { type: 'string' } };

const errors = {
  '400': { description: 'Bad parameter: OWS 2.0 ExceptionReport naming it (application/problem+json for GeoJSON requests)' },
  '404': { description: 'No such collection or product (or not visible to the subject)' },
};

const description = (summary: string, parameters: unknown[] = []) => ({
  get: {
    tags: [TAG],
    summary,
    parameters,
    responses: { '200': { description: 'OpenSearch description document', content: { 'application/opensearchdescription+xml': {} } }, ...errors },
  },
});

const searchOp = (summary: string, parameters: unknown[]) => ({
  get: {
    tags: [TAG],
    summary,
    description: 'The OpenSearch EO (OGC 13-026r9) parameters the description document declares are accepted too (cloudCover=[0,20], platform={A,B}, ...).',
    parameters: [...parameters, ...searchParameters, ...encoding],
    responses: { '200': { description: 'Atom feed or GeoJSON (OGC 17-047) FeatureCollection', content: { 'application/atom+xml': {}, 'application/geo+json': {} } }, ...errors },
  },
});

const entryOp = (summary: string, parameters: unknown[]) => ({
  get: {
    tags: [TAG],
    summary,
    parameters: [...parameters, ...entryEncoding],
    responses: { '200': { description: 'Atom entry, GeoJSON feature, or the metadata in the format asked for' }, ...errors },
  },
});

export const openApiFragment: OpenAPIFragment = {
  tags: [{ name: TAG, description: 'OpenSearch with the Geo, Time and EO extensions: two-step search of collections and products' }],
  paths: {
    '/': description('Collection-level description document'),
    '/description': description('Collection-level description document'),
    '/collections': searchOp('Collection search (step one)', []),
    '/collections/{cid}': entryOp('A collection', [cid]),
    '/collections/{cid}/description': description("A collection's description document (step two)", [cid]),
    '/collections/{cid}/products': searchOp('Product search in a collection (step two)', [cid]),
    '/collections/{cid}/products/{pid}': entryOp('A product', [cid, pid]),
  },
};
