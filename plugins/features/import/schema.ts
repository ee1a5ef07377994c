/**
 * The collection schema of an import: what the source declares (GeoPackage columns, dBASE
 * fields), else inferred from the first rows (the narrowest type holding every sampled value),
 * or given; and how each source property maps to a collection property (names sanitised).
 */
import type { GeoJSONGeometry } from '../../../core/filter/index.js';
import type { GeometryType, PropertyDefinition, PropertyType } from '../types.js';
import { commonGeometryType } from './geometry.js';
import { propertyNames, sanitisePropertyName } from './names.js';
import type { SourceLayer, SourceRow } from './types.js';
import { typeOfValue, widen } from './values.js';

/** A collection property and the source property it is read from. */
export interface MappedProperty {
  source: string;
  property: PropertyDefinition;
}

export interface ImportSchema {
  geometryType: GeometryType;
  mapped: MappedProperty[];
  /** Source properties with no collection property (dropped), with why. */
  unmapped: string[];
}

/** A schema given by the user (a JSON file or request member): a collection definition's parts. */
export interface GivenSchema {
  geometryType?: GeometryType;
  properties: PropertyDefinition[];
  temporalProperty?: string;
  title?: string;
  description?: string;
}

/** The schema of a new collection from what the source says and the sampled rows. */
export function inferSchema(layer: SourceLayer, sample: readonly SourceRow[]): ImportSchema {
  const geometryType = layer.geometryType ?? commonGeometryType(sample.filter((r) => !r.error && r.geometry).map((r) => (r.geometry as GeoJSONGeometry).type));
  if (layer.fields) {
    const names = propertyNames(layer.fields.map((f) => f.name));
    return {
      geometryType,
      mapped: layer.fields.map((f, i) => ({ source: f.name, property: definition(names[i]!, f.type, f.nullable) })),
      unmapped: [],
    };
  }
  const types = new Map<string, PropertyType | undefined>();
  for (const r of sample) {
    if (r.error) continue;
    for (const [key, value] of Object.entries(r.properties)) types.set(key, widen(types.get(key), typeOfValue(value, layer.textValues ?? false)));
  }
  // Rows the reader could not read still name their columns (CSV): keep the header's order.
  for (const r of sample) for (const key of Object.keys(r.properties)) if (!types.has(key)) types.set(key, undefined);
  const sources = [...types.keys()];
  const names = propertyNames(sources);
  // A column with only nulls in the sample is text: anything fits there.
  return { geometryType, mapped: sources.map((s, i) => ({ source: s, property: definition(names[i]!, types.get(s) ?? 'string') })), unmapped: [] };
}

function definition(name: string, type: PropertyType, nullable?: boolean): PropertyDefinition {
  return nullable === false ? { name, type, nullable: false } : { name, type };
}

/**
 * Maps source properties onto an existing (or given) set of collection properties: by exact
 * name, then by sanitised name ignoring case. Collection properties no source property maps to
 * are left null.
 */
export function mapOnto(properties: readonly PropertyDefinition[], geometryType: GeometryType, sourceNames: readonly string[]): ImportSchema {
  const byName = new Map(properties.map((p) => [p.name, p]));
  const byLower = new Map(properties.map((p) => [p.name.toLowerCase(), p]));
  const used = new Set<string>();
  const mapped: MappedProperty[] = [];
  const unmapped: string[] = [];
  for (const source of sourceNames) {
    const p = byName.get(source) ?? byLower.get(sanitisePropertyName(source).toLowerCase());
    if (p && !used.has(p.name)) {
      used.add(p.name);
      mapped.push({ source, property: p });
    } else unmapped.push(source);
  }
  return { geometryType, mapped, unmapped };
}

/** The source property names a layer has: its declared fields, else those seen in the sample. */
export function sourceNames(layer: SourceLayer, sample: readonly SourceRow[]): string[] {
  if (layer.fields) return layer.fields.map((f) => f.name);
  const seen = new Set<string>();
  for (const r of sample) for (const key of Object.keys(r.properties)) seen.add(key);
  return [...seen];
}
