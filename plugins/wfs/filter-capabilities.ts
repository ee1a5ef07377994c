/**
 * Filter_Capabilities as this service really evaluates them: core/filter reads FES 2.0 and
 * Filter 1.1 (fes.ts, gml.ts) and the features engine runs every kind of node it produces
 * (translateFilter). Not advertised: arithmetic in FES, version navigation, extended operators,
 * XPath beyond plain property steps, schema-element functions.
 */
import { functionNames, lookupFunction } from '../../core/filter/index.js';
import { el, type XmlElement } from '../../core/ows/index.js';
import { NS } from './versions.js';

const SPATIAL_OPERATORS = ['BBOX', 'Equals', 'Disjoint', 'Intersects', 'Touches', 'Crosses', 'Within', 'Contains', 'Overlaps', 'Beyond', 'DWithin'];
const GEOMETRY_OPERANDS_11 = ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon'];
const GEOMETRY_OPERANDS_20 = ['gml:Envelope', 'gml:Point', 'gml:LineString', 'gml:Polygon', 'gml:MultiPoint', 'gml:MultiCurve', 'gml:MultiSurface'];
const COMPARISONS_11 = ['LessThan', 'GreaterThan', 'LessThanEqualTo', 'GreaterThanEqualTo', 'EqualTo', 'NotEqualTo', 'Like', 'Between', 'NullCheck'];
const COMPARISONS_20 = [
  'PropertyIsEqualTo',
  'PropertyIsNotEqualTo',
  'PropertyIsLessThan',
  'PropertyIsGreaterThan',
  'PropertyIsLessThanOrEqualTo',
  'PropertyIsGreaterThanOrEqualTo',
  'PropertyIsLike',
  'PropertyIsNull',
  'PropertyIsBetween',
];
const TEMPORAL_OPERATORS = ['After', 'Before', 'Begins', 'BegunBy', 'TContains', 'During', 'TEquals', 'TOverlaps', 'Meets', 'OverlappedBy', 'MetBy', 'Ends', 'EndedBy'];

/** FES 2.0 conformance classes (09-026r2 Table 1) and whether they hold here. */
export const FES20_CONFORMANCE: ReadonlyArray<readonly [string, boolean]> = [
  ['ImplementsQuery', true],
  ['ImplementsAdHocQuery', true],
  ['ImplementsFunctions', true],
  ['ImplementsResourceId', true],
  ['ImplementsMinStandardFilter', true],
  ['ImplementsStandardFilter', true],
  ['ImplementsMinSpatialFilter', true],
  ['ImplementsSpatialFilter', true],
  ['ImplementsMinTemporalFilter', true],
  ['ImplementsTemporalFilter', true],
  ['ImplementsVersionNav', false],
  ['ImplementsSorting', true],
  ['ImplementsExtendedOperators', false],
  ['ImplementsMinimumXPath', false],
  ['ImplementsSchemaElementFunc', false],
];

/** ogc:Filter_Capabilities (Filter Encoding 1.1); ogc and gml are declared by the caller. */
export function filterCapabilities11(): XmlElement {
  return el(
    'ogc:Filter_Capabilities',
    null,
    el(
      'ogc:Spatial_Capabilities',
      null,
      el('ogc:GeometryOperands', null, GEOMETRY_OPERANDS_11.map((g) => el('ogc:GeometryOperand', null, g))),
      el('ogc:SpatialOperators', null, SPATIAL_OPERATORS.map((name) => el('ogc:SpatialOperator', { name }))),
    ),
    el(
      'ogc:Scalar_Capabilities',
      null,
      el('ogc:LogicalOperators'),
      el('ogc:ComparisonOperators', null, COMPARISONS_11.map((c) => el('ogc:ComparisonOperator', null, c))),
      el(
        'ogc:ArithmeticOperators',
        null,
        el('ogc:Functions', null, el('ogc:FunctionNames', null, functionNames().map((name) => el('ogc:FunctionName', { nArgs: lookupFunction(name)!.arity }, name)))),
      ),
    ),
    el('ogc:Id_Capabilities', null, el('ogc:EID'), el('ogc:FID')),
  );
}

/** fes:Filter_Capabilities (FES 2.0); its constraints are OWS 1.1 domains (the `ows` prefix of a WFS 2.0 document). */
export function filterCapabilities20(): XmlElement {
  return el(
    'fes:Filter_Capabilities',
    { 'xmlns:xs': NS.xsd },
    el(
      'fes:Conformance',
      null,
      FES20_CONFORMANCE.map(([name, holds]) => el('fes:Constraint', { name }, el('ows:NoValues'), el('ows:DefaultValue', null, holds ? 'TRUE' : 'FALSE'))),
    ),
    el('fes:Id_Capabilities', null, el('fes:ResourceIdentifier', { name: 'fes:ResourceId' })),
    el('fes:Scalar_Capabilities', null, el('fes:LogicalOperators'), el('fes:ComparisonOperators', null, COMPARISONS_20.map((name) => el('fes:ComparisonOperator', { name })))),
    el(
      'fes:Spatial_Capabilities',
      null,
      el('fes:GeometryOperands', null, GEOMETRY_OPERANDS_20.map((name) => el('fes:GeometryOperand', { name }))),
      el('fes:SpatialOperators', null, SPATIAL_OPERATORS.map((name) => el('fes:SpatialOperator', { name }))),
    ),
    el(
      'fes:Temporal_Capabilities',
      null,
      el('fes:TemporalOperands', null, ['gml:TimeInstant', 'gml:TimePeriod'].map((name) => el('fes:TemporalOperand', { name }))),
      el('fes:TemporalOperators', null, TEMPORAL_OPERATORS.map((name) => el('fes:TemporalOperator', { name }))),
    ),
    el(
      'fes:Functions',
      null,
      functionNames().map((name) =>
        el(
          'fes:Function',
          { name },
          el('fes:Returns', null, 'xs:string'),
          el('fes:Arguments', null, Array.from({ length: lookupFunction(name)!.arity }, (_, i) => el('fes:Argument', { name: `arg${i + 1}` }, el('fes:Type', null, 'xs:string')))),
        ),
      ),
    ),
  );
}
