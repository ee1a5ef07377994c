/**
 * Filter_Capabilities as core/filter actually reads them (fes.ts, gml.ts, functions.ts) and its
 * SQL translation evaluates them: Filter Encoding 1.1 (CSW 2.0.2, WFS 1.1.0) and FES 2.0 (CSW
 * 3.0, WFS 2.0). Shared by every service that takes FES filters, so none advertises what the
 * parser refuses: no arithmetic in FES, no PropertyIsNil semantics, no version navigation.
 */
import { el, type XmlElement } from '../ows/xml/writer.js';
import { functionNames, lookupFunction } from './functions.js';

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

/** FES 2.0 conformance classes (OGC 09-026r2 Table 1) and whether this implementation meets them. */
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
  // Property names are names, not XPath: 'a/b' is read as the queryable 'a.b'.
  ['ImplementsMinimumXPath', false],
  ['ImplementsSchemaElementFunc', false],
];

/** ogc:Filter_Capabilities (Filter Encoding 1.1), prefixes ogc and gml declared by the caller. */
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

/**
 * fes:Filter_Capabilities (Filter Encoding 2.0). Its Conformance constraints are OWS 1.1 domains,
 * written with `owsPrefix` (declared here for the OWS 1.1 namespace): 'ows' in a WFS 2.0 document,
 * whose ows prefix is OWS 1.1 already; 'ows11' in a CSW 3.0 one, whose ows prefix is OWS 2.0.
 */
export function filterCapabilities20(owsPrefix = 'ows11'): XmlElement {
  return el(
    'fes:Filter_Capabilities',
    { [`xmlns:${owsPrefix}`]: 'http://www.opengis.net/ows/1.1', 'xmlns:xs': 'http://www.w3.org/2001/XMLSchema' },
    el(
      'fes:Conformance',
      null,
      FES20_CONFORMANCE.map(([name, implemented]) => el('fes:Constraint', { name }, el(`${owsPrefix}:NoValues`), el(`${owsPrefix}:DefaultValue`, null, implemented ? 'TRUE' : 'FALSE'))),
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
