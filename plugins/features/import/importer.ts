/**
 * Imports the layers of a vector source into feature collections: creates each collection
 * (schema declared by the source, inferred from its first rows, or given) unless it exists,
 * then streams the rows through in batches, one transaction per batch. A row that cannot be
 * read or does not fit the schema is reported (row number and reason) and skipped; the good
 * rows are kept. A batch the engine refuses is split until the refused rows are found alone.
 */
import type { Subject } from '../../../core/auth/types.js';
import { lookupCrs } from '../../../core/ows/crs/registry.js';
import { isFeaturesError } from '../errors.js';
import type { CollectionDefinition, CollectionDescription, FeatureInput, FeaturesService } from '../types.js';
import { checkGeometry, fitGeometryType, GeometryCheckError } from './geometry.js';
import { collectionIdFrom } from './names.js';
import { inferSchema, mapOnto, sourceNames, type GivenSchema, type ImportSchema } from './schema.js';
import type { SourceLayer, SourceRow, VectorSource } from './types.js';
import { coerceValue } from './values.js';

export const DEFAULT_BATCH_SIZE = 1000;
export const DEFAULT_INFER_ROWS = 1000;
/** Feature ids longer than this are not kept (the engine's limit). */
const MAX_ID_LENGTH = 255;

export interface FeatureImportOptions {
  /** Only this layer (a GeoPackage table, a TopoJSON object); default every layer. */
  layer?: string;
  /** The collection to write to; default the layer's name made an NCName. Only with one layer. */
  collection?: string;
  /** Title and description of a created collection (default the source's). */
  title?: string;
  description?: string;
  keywords?: string[];
  /** The schema of a created collection, instead of the inferred one. */
  schema?: GivenSchema;
  /** A date/datetime property for OGC API datetime queries and the WMS time dimension. */
  temporalProperty?: string;
  /** The CRS of the source's coordinates: overrides what the source says, or says it when the source does not. */
  crs?: string;
  /** Keep the source's feature ids (GeoJSON id, GeoPackage fid) or let the engine assign them. Default 'source'. */
  ids?: 'source' | 'assign';
  /** Also write the source's feature id into this property (of the collection's schema). */
  sourceIdProperty?: string;
  /** Append to an existing collection (default) or refuse to. */
  existing?: 'append' | 'fail';
  visibility?: 'public' | 'private';
  batchSize?: number;
  /** Rows read to infer a schema. */
  inferRows?: number;
  signal?: AbortSignal;
  onRejected?(rejection: RowRejection): void;
  onProgress?(progress: ImportProgress): void;
}

export interface RowRejection {
  type: 'rejected';
  layer: string;
  collection: string;
  /** 1-based position of the row in its layer. */
  row: number;
  /** The CSV line the record starts on. */
  line?: number;
  /** The source's feature id, when it has one. */
  id?: string;
  /** What was wrong: UnreadableRow, InvalidGeometry, InvalidValue, DuplicateId... */
  code: string;
  /** The property (or 'geometry', 'id') at fault. */
  locator?: string;
  reason: string;
}

export interface LayerReport {
  layer: string;
  collection: string;
  created: boolean;
  crs: string;
  geometryType: string;
  read: number;
  imported: number;
  rejected: number;
  warnings: string[];
}

export interface ImportReport {
  type: 'summary';
  source: string;
  format: string;
  layers: LayerReport[];
  imported: number;
  rejected: number;
  durationMs: number;
  interrupted?: boolean;
}

export interface ImportProgress {
  layer: string;
  /** 0..1 over the whole source, when the readers can tell. */
  fraction?: number;
  read: number;
  imported: number;
  rejected: number;
}

/** A refusal of the import itself (no such layer, an unknown CRS): nothing of that layer was written. */
export class ImportError extends Error {
  override name = 'ImportError';
  constructor(message: string, readonly code = 'InvalidImport') {
    super(message);
  }
}

export async function importVectorSource(features: FeaturesService, source: VectorSource, sourceName: string, subject: Subject, options: FeatureImportOptions = {}): Promise<ImportReport> {
  const started = performance.now();
  const layers = options.layer === undefined ? source.layers : source.layers.filter((l) => l.name === options.layer);
  if (layers.length === 0) {
    throw new ImportError(options.layer === undefined ? `${sourceName} holds no layer` : `No layer '${options.layer}' in ${sourceName} (layers: ${source.layers.map((l) => l.name).join(', ') || 'none'})`, 'NoSuchLayer');
  }
  if (options.collection !== undefined && layers.length > 1) {
    throw new ImportError(`${sourceName} has ${layers.length} layers (${layers.map((l) => l.name).join(', ')}): choose one with the layer option to import into collection '${options.collection}'`, 'AmbiguousLayer');
  }
  if (options.crs !== undefined && !lookupCrs(options.crs)) throw new ImportError(`Unknown CRS '${options.crs}'`, 'InvalidCrs');
  const report: ImportReport = { type: 'summary', source: sourceName, format: source.format, layers: [], imported: 0, rejected: 0, durationMs: 0 };
  for (const [index, layer] of layers.entries()) {
    if (options.signal?.aborted) {
      report.interrupted = true;
      break;
    }
    const layerReport = await importLayer(features, layer, subject, options, (fraction) => (fraction === undefined ? undefined : (index + fraction) / layers.length));
    report.layers.push(layerReport);
    report.imported += layerReport.imported;
    report.rejected += layerReport.rejected;
    if (options.signal?.aborted) report.interrupted = true;
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

async function importLayer(features: FeaturesService, layer: SourceLayer, subject: Subject, options: FeatureImportOptions, overall: (f: number | undefined) => number | undefined): Promise<LayerReport> {
  const collectionId = options.collection ?? collectionIdFrom(layer.name);
  const sourceCrs = options.crs ? lookupCrs(options.crs)!.crs.id : layer.crs;
  if (!sourceCrs) {
    throw new ImportError(`The CRS of layer '${layer.name}' is unknown${layer.crsDescription ? ` (${layer.crsDescription.slice(0, 200)})` : ''}: name it with the crs option (EPSG:n)`, 'UnknownCrs');
  }
  const rows = layer.rows()[Symbol.asyncIterator]();
  // The first rows: enough to infer a schema, and written first.
  const sample: SourceRow[] = [];
  const inferRows = Math.max(1, options.inferRows ?? DEFAULT_INFER_ROWS);
  let exhausted = false;
  while (sample.length < inferRows) {
    const next = await rows.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    sample.push(next.value);
  }

  const existing = await features.collection(collectionId, subject);
  if (existing && options.existing === 'fail') throw new ImportError(`Collection '${collectionId}' exists already`, 'CollectionExists');
  let schema: ImportSchema;
  let description: CollectionDescription;
  let created = false;
  if (existing) {
    schema = mapOnto(existing.properties, existing.geometryType, sourceNames(layer, sample));
    description = existing;
  } else {
    const given = options.schema;
    const inferred = inferSchema(layer, sample);
    schema = given ? mapOnto(given.properties, given.geometryType ?? inferred.geometryType, sourceNames(layer, sample)) : inferred;
    const definition: CollectionDefinition = {
      id: collectionId,
      title: options.title ?? given?.title ?? layer.title ?? layer.name,
      description: options.description ?? given?.description ?? layer.description,
      ...(options.keywords ? { keywords: options.keywords } : {}),
      geometryType: schema.geometryType,
      crs: sourceCrs,
      properties: given ? given.properties : schema.mapped.map((m) => m.property),
      temporalProperty: options.temporalProperty ?? given?.temporalProperty,
      visibility: options.visibility,
    };
    if (definition.description === undefined) delete definition.description;
    if (definition.temporalProperty === undefined) delete definition.temporalProperty;
    if (definition.visibility === undefined) delete definition.visibility;
    description = await features.createCollection(definition, subject);
    created = true;
  }

  const warnings = [...layer.warnings];
  for (const name of schema.unmapped) warnings.push(`Property '${name}' is not in collection '${collectionId}': not imported`);
  const report: LayerReport = { layer: layer.name, collection: collectionId, created, crs: sourceCrs, geometryType: schema.geometryType, read: 0, imported: 0, rejected: 0, warnings };
  const known = new Set([...schema.mapped.map((m) => m.source), ...schema.unmapped]);
  const lateProperties = new Set<string>();
  const crs = sourceCrs === description.crs ? undefined : sourceCrs;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  let batch: Array<{ row: SourceRow; feature: FeatureInput }> = [];

  const reject = (row: SourceRow, code: string, reason: string, locator?: string) => {
    report.rejected++;
    const r: RowRejection = { type: 'rejected', layer: layer.name, collection: collectionId, row: row.row, code, reason };
    if (row.line !== undefined) r.line = row.line;
    if (row.id !== undefined) r.id = row.id;
    if (locator !== undefined) r.locator = locator;
    options.onRejected?.(r);
  };

  const prepare = (row: SourceRow): FeatureInput | undefined => {
    if (row.error) return void reject(row, 'UnreadableRow', row.error);
    const properties: Record<string, unknown> = {};
    for (const { source, property } of schema.mapped) {
      const value = coerceValue(row.properties[source], property.type, layer.textValues ?? false);
      if (!value.ok) return void reject(row, 'InvalidValue', `property '${property.name}': ${value.reason}`, property.name);
      if (value.value === null && property.nullable === false) return void reject(row, 'InvalidValue', `property '${property.name}' is required`, property.name);
      properties[property.name] = value.value;
    }
    if (options.sourceIdProperty !== undefined) properties[options.sourceIdProperty] = row.id ?? null;
    for (const key of Object.keys(row.properties)) {
      if (!known.has(key) && !lateProperties.has(key)) {
        lateProperties.add(key);
        warnings.push(`Property '${key}' first appears in row ${row.row}, after the rows the schema was inferred from: not imported`);
      }
    }
    let geometry = null;
    if (row.geometry) {
      try {
        geometry = fitGeometryType(checkGeometry(row.geometry), schema.geometryType);
      } catch (err) {
        if (!(err instanceof GeometryCheckError)) throw err;
        return void reject(row, 'InvalidGeometry', err.message, 'geometry');
      }
    }
    const feature: FeatureInput = { geometry, properties };
    if (row.id !== undefined && options.ids !== 'assign' && row.id.length > 0 && row.id.length <= MAX_ID_LENGTH) feature.id = row.id;
    return feature;
  };

  /** Writes the rows, splitting a refused batch until each refused row is alone. */
  const write = async (items: Array<{ row: SourceRow; feature: FeatureInput }>): Promise<void> => {
    if (items.length === 0) return;
    try {
      await features.transaction([{ op: 'insert', collection: collectionId, features: items.map((i) => i.feature), ...(crs ? { crs } : {}) }], subject);
      report.imported += items.length;
    } catch (err) {
      if (!isFeaturesError(err) || ['NoSuchCollection', 'TooLarge'].includes(err.featuresCode)) throw err;
      if (items.length === 1) {
        reject(items[0]!.row, err.featuresCode, err.message, err.locator);
        return;
      }
      const half = Math.ceil(items.length / 2);
      await write(items.slice(0, half));
      await write(items.slice(half));
    }
  };

  let lastProgress = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!force && now - lastProgress < 200) return;
    lastProgress = now;
    options.onProgress?.({ layer: layer.name, fraction: overall(layer.fraction()), read: report.read, imported: report.imported, rejected: report.rejected });
  };

  const take = async (row: SourceRow) => {
    report.read++;
    const feature = prepare(row);
    if (feature) batch.push({ row, feature });
    if (batch.length >= batchSize) {
      const full = batch;
      batch = [];
      await write(full);
      progress();
    }
  };

  try {
    for (const row of sample) await take(row);
    sample.length = 0;
    while (!exhausted && !options.signal?.aborted) {
      const next = await rows.next();
      if (next.done) break;
      await take(next.value);
    }
    if (!options.signal?.aborted) await write(batch);
  } finally {
    if (!exhausted) await rows.return?.(undefined);
  }
  progress(true);
  return report;
}
