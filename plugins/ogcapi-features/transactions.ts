/**
 * Part 4: POST /collections/{id}/items (a Feature, or each feature of a FeatureCollection, all or
 * none), PUT (replace), PATCH (JSON merge patch of the GeoJSON: `properties` members set or, when
 * null, cleared; `geometry` replaced) and DELETE of /collections/{id}/items/{featureId}, each one
 * engine transaction. Bodies are in the CRS the Content-Crs header names (CRS84 by default), in its
 * axis order. Every write is enforced first on the collection, as
 * `{ type: 'feature-collection', service: 'features', id, owner }` (the resource the engine
 * authorizes its writes on too) with action create, update or delete.
 */
import type { Context } from 'koa';
import { BadRequest, MeridianError, NotFound } from '../../core/errors.js';
import type { GeoJSONGeometry } from '../../core/filter/index.js';
import { readText } from '../../core/server/body.js';
import type { CollectionDescription, FeatureInput } from '../features/types.js';
import { collectionOr404, crsOfCollection, itemPath, subjectOf, type ApiDeps } from './context.js';
import { CRS84, parseCrsParameter, swapAxes, type RequestCrs } from './crs.js';
import { featureToGeoJson } from './geojson.js';
import { readFeature } from './item.js';
import { MEDIA } from './links.js';

export type WriteAction = 'create' | 'update' | 'delete';

/** Enforces `action` on the collection (401 for anonymous subjects the policy refuses, 403 for others). */
export async function enforceWrite(ctx: Context, deps: ApiDeps, collection: CollectionDescription, action: WriteAction): Promise<void> {
  await deps.auth.enforce(ctx, { type: 'feature-collection', service: 'features', id: collection.id, ...(collection.owner ? { owner: collection.owner } : {}), attributes: { visibility: collection.visibility } }, action);
}

function invalidBody(message: string, locator = 'body'): BadRequest {
  return new BadRequest(message, { code: 'InvalidParameterValue', locator });
}

/** The CRS of a request body: the Content-Crs header (`<uri>`), one the collection offers, else CRS84. */
function bodyCrs(ctx: Context, deps: ApiDeps, collection: CollectionDescription): RequestCrs {
  const header = ctx.get('Content-Crs').trim();
  if (!header) return CRS84;
  const uri = header.startsWith('<') && header.endsWith('>') ? header.slice(1, -1) : header;
  return parseCrsParameter(uri, crsOfCollection(deps, collection), 'Content-Crs');
}

const isJsonType = (t: string) => t === 'application/json' || t.endsWith('+json');

/** The body as a JSON object; 415 for a body that is not JSON, 400 when it does not parse. */
async function jsonObject(ctx: Context, accepted: string[]): Promise<Record<string, unknown>> {
  const type = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
  if (!isJsonType(type)) {
    throw new MeridianError(415, `${type ? `Content-Type '${type}'` : 'A body without a Content-Type'} is not accepted here: send ${accepted.join(' or ')}`, { code: 'UnsupportedMediaType', locator: 'Content-Type' });
  }
  const text = await readText(ctx);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidBody(`The body is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidBody('The body must be a JSON object');
  return value as Record<string, unknown>;
}

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

function geometryOf(value: unknown, crs: RequestCrs, where: string): GeoJSONGeometry | null {
  if (value === null) return null;
  const g = value as { type?: unknown };
  if (typeof value !== 'object' || Array.isArray(value) || typeof g.type !== 'string' || !GEOMETRY_TYPES.has(g.type)) throw invalidBody(`${where} is not a GeoJSON geometry`, where);
  const geometry = value as GeoJSONGeometry;
  return crs.swap ? swapAxes(geometry) : geometry;
}

/** A GeoJSON Feature of a body → the engine's input (geometry in x/y order of `crs`). */
function featureInput(value: unknown, crs: RequestCrs, where: string): FeatureInput {
  const f = value as { type?: unknown; id?: unknown; geometry?: unknown; properties?: unknown };
  if (typeof value !== 'object' || value === null || f.type !== 'Feature') throw invalidBody(`${where} is not a GeoJSON Feature`, where);
  if (f.properties !== undefined && f.properties !== null && (typeof f.properties !== 'object' || Array.isArray(f.properties))) throw invalidBody(`${where}.properties must be an object`, `${where}.properties`);
  if (!('geometry' in f)) throw invalidBody(`${where} has no geometry member (give null for none)`, `${where}.geometry`);
  const input: FeatureInput = { geometry: geometryOf(f.geometry, crs, `${where}.geometry`), properties: (f.properties as Record<string, unknown> | null) ?? {} };
  if (typeof f.id === 'string' || typeof f.id === 'number') input.id = String(f.id);
  else if (f.id !== undefined && f.id !== null) throw invalidBody(`${where}.id must be a string or a number`, `${where}.id`);
  return input;
}

export async function createFeatures(ctx: Context, deps: ApiDeps, collectionId: string): Promise<void> {
  const collection = await collectionOr404(ctx, deps, collectionId);
  await enforceWrite(ctx, deps, collection, 'create');
  const crs = bodyCrs(ctx, deps, collection);
  const body = await jsonObject(ctx, [MEDIA.geojson, MEDIA.json]);
  let inputs: FeatureInput[];
  if (body.type === 'Feature') inputs = [featureInput(body, crs, 'body')];
  else if (body.type === 'FeatureCollection' && Array.isArray(body.features)) {
    if (body.features.length === 0) throw invalidBody('The FeatureCollection has no feature', 'body.features');
    inputs = body.features.map((f, i) => featureInput(f, crs, `features[${i}]`));
  } else throw invalidBody('The body must be a GeoJSON Feature or FeatureCollection');
  const result = await deps.features.transaction([{ op: 'insert', collection: collection.id, features: inputs, crs: crs.id }], subjectOf(ctx));
  const base = deps.baseUrl(ctx);
  ctx.status = 201;
  ctx.set('Location', `${base}${itemPath(collection.id, result.inserted[0]!)}`);
  if (body.type === 'Feature') {
    // The stored feature as a GET would return it, in the body's CRS.
    const stored = await readFeature(ctx, deps, collection, result.inserted[0]!, crs);
    ctx.set('Content-Crs', `<${crs.uri}>`);
    ctx.type = MEDIA.geojson;
    ctx.body = featureToGeoJson(stored, crs.swap);
    return;
  }
  ctx.type = MEDIA.json;
  ctx.body = { numberCreated: result.inserted.length, items: result.inserted.map((id) => ({ id, href: `${base}${itemPath(collection.id, id)}` })) };
}

export async function replaceFeature(ctx: Context, deps: ApiDeps, collectionId: string, featureId: string): Promise<void> {
  const collection = await collectionOr404(ctx, deps, collectionId);
  await enforceWrite(ctx, deps, collection, 'update');
  const crs = bodyCrs(ctx, deps, collection);
  const input = featureInput(await jsonObject(ctx, [MEDIA.geojson, MEDIA.json]), crs, 'body');
  const result = await deps.features.transaction([{ op: 'replace', collection: collection.id, id: featureId, feature: { ...input, id: featureId }, crs: crs.id }], subjectOf(ctx));
  if (result.replaced === 0) throw new NotFound(`No feature '${featureId}' in collection '${collection.id}'`, { code: 'NotFound', locator: 'featureId' });
  ctx.status = 204;
}

export async function updateFeature(ctx: Context, deps: ApiDeps, collectionId: string, featureId: string): Promise<void> {
  const collection = await collectionOr404(ctx, deps, collectionId);
  await enforceWrite(ctx, deps, collection, 'update');
  const crs = bodyCrs(ctx, deps, collection);
  const patch = await jsonObject(ctx, ['application/merge-patch+json', MEDIA.json]);
  for (const key of Object.keys(patch)) {
    if (!['type', 'id', 'geometry', 'properties', 'links'].includes(key)) throw invalidBody(`A feature patch may change geometry and properties, not '${key}'`, key);
  }
  if (patch.id !== undefined && String(patch.id) !== featureId) throw invalidBody('A patch cannot change the feature id', 'id');
  const properties = patch.properties;
  if (properties !== undefined && (typeof properties !== 'object' || properties === null || Array.isArray(properties))) throw invalidBody('properties must be an object of the members to change', 'properties');
  const operation = {
    op: 'update' as const,
    collection: collection.id,
    filter: { ids: [featureId] },
    crs: crs.id,
    ...(properties ? { properties: properties as Record<string, unknown> } : {}),
    ...('geometry' in patch ? { geometry: geometryOf(patch.geometry, crs, 'geometry') } : {}),
  };
  const result = await deps.features.transaction([operation], subjectOf(ctx));
  if (result.updated === 0) throw new NotFound(`No feature '${featureId}' in collection '${collection.id}'`, { code: 'NotFound', locator: 'featureId' });
  ctx.status = 204;
}

export async function deleteFeature(ctx: Context, deps: ApiDeps, collectionId: string, featureId: string): Promise<void> {
  const collection = await collectionOr404(ctx, deps, collectionId);
  await enforceWrite(ctx, deps, collection, 'delete');
  const result = await deps.features.transaction([{ op: 'delete', collection: collection.id, filter: { ids: [featureId] } }], subjectOf(ctx));
  if (result.deleted === 0) throw new NotFound(`No feature '${featureId}' in collection '${collection.id}'`, { code: 'NotFound', locator: 'featureId' });
  ctx.status = 204;
}
