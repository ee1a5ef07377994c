/**
 * The conformance classes this plugin implements. The CQL2 classes are those core/filter parses
 * and the features engine evaluates on both databases (tests: test/plugins/ogcapi-features/filter.test.ts);
 * array functions and the `functions` class (which needs a /functions resource) are not claimed.
 */
const FEATURES_1 = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const FEATURES_2 = 'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf';
const FEATURES_3 = 'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf';
const FEATURES_4 = 'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf';
const CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf';

export const CONFORMANCE = {
  core: `${FEATURES_1}/core`,
  oas30: `${FEATURES_1}/oas30`,
  html: `${FEATURES_1}/html`,
  geojson: `${FEATURES_1}/geojson`,
  crs: `${FEATURES_2}/crs`,
  queryables: `${FEATURES_3}/queryables`,
  queryablesQueryParameters: `${FEATURES_3}/queryables-query-parameters`,
  filter: `${FEATURES_3}/filter`,
  featuresFilter: `${FEATURES_3}/features-filter`,
  createReplaceDelete: `${FEATURES_4}/create-replace-delete`,
  update: `${FEATURES_4}/update`,
  cql2Text: `${CQL2}/cql2-text`,
  cql2Json: `${CQL2}/cql2-json`,
  basicCql2: `${CQL2}/basic-cql2`,
  advancedComparison: `${CQL2}/advanced-comparison-operators`,
  caseInsensitive: `${CQL2}/case-insensitive-comparison`,
  accentInsensitive: `${CQL2}/accent-insensitive-comparison`,
  basicSpatial: `${CQL2}/basic-spatial-functions`,
  basicSpatialPlus: `${CQL2}/basic-spatial-functions-plus`,
  spatial: `${CQL2}/spatial-functions`,
  temporal: `${CQL2}/temporal-functions`,
  propertyProperty: `${CQL2}/property-property`,
  arithmetic: `${CQL2}/arithmetic`,
} as const;

/** Every class, those of Part 4 only when writes are enabled. */
export function conformanceClasses(options: { transactions: boolean }): string[] {
  const writes: string[] = [CONFORMANCE.createReplaceDelete, CONFORMANCE.update];
  return Object.values(CONFORMANCE).filter((c) => options.transactions || !writes.includes(c));
}
