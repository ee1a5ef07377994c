/** The filter model shared by every query language (see README.md). */
export * from './ast.js';
export { FilterError, UnknownQueryableError, type FilterErrorOptions } from './errors.js';
export { functionNames, lookupFunction, stripAccents, type FilterFunction } from './functions.js';
export { parseCql2Text, type Cql2TextOptions } from './cql2-text.js';
export { parseCql2Json, type Cql2JsonOptions } from './cql2-json.js';
export { parseOgcCql, type OgcCqlOptions } from './ogc-cql.js';
export { parseFesFilter, type FesOptions } from './fes.js';
export { readGmlEnvelope, readGmlGeometry, type GmlOptions } from './gml.js';
export { parseXmlTree, type XmlNode } from './xml-tree.js';
export { writeGmlGeometry, type GmlWriteOptions } from './gml-write.js';
export { parseWkt } from './wkt.js';
export { compileFilter, evaluateFilter, temporalRelationHolds, type EvaluateOptions, type FilterRecord, type RecordPredicate } from './evaluate.js';
export { translateFilter, type QueryableColumn, type QueryableType, type SqlFilter, type SqlFilterOptions } from './sql.js';
export { recordFromRow } from './sql-rows.js';
export { distanceInDegrees, spatialRelationHolds } from './spatial.js';
export { crosses, equalsTopologically, overlaps, touches, within } from './relate.js';
export { typeLiterals } from './typing.js';
export { filterToCrs84, type ToCrs84Options } from './crs.js';
