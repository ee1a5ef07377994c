import assert from 'node:assert/strict';
import type { Filter } from '../../../core/filter/ast.js';
import { parseCql2Text } from '../../../core/filter/cql2-text.js';
import { FilterError } from '../../../core/filter/errors.js';
import { parseFesFilter } from '../../../core/filter/fes.js';

const FES = 'xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"';
const OGC = 'xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"';
const fes = (body: string) => `<fes:Filter ${FES}>${body}</fes:Filter>`;
const ogc = (body: string) => `<ogc:Filter ${OGC}>${body}</ogc:Filter>`;

/** Without the spelling of time literals, which differs between encodings. */
const comparable = (f: Filter): unknown =>
  JSON.parse(JSON.stringify(f, function (this: Record<string, unknown>, key, value: unknown) {
    return key === 'text' && this.kind === 'time' ? undefined : value;
  }));

const close = (a: unknown, b: unknown): void => {
  const round = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Math.round(x * 1e6) / 1e6 : x)));
  assert.deepEqual(round(a), round(b));
};

describe('Filter Encoding parser', () => {
  const equivalents: Array<[string, string, string]> = [
    [
      'FES 2.0 comparisons in And/Or/Not, literal on either side',
      fes(`<fes:And><fes:PropertyIsLessThan><fes:ValueReference>cloudCover</fes:ValueReference><fes:Literal>10.5</fes:Literal></fes:PropertyIsLessThan>
        <fes:Or><fes:PropertyIsEqualTo matchCase="false"><fes:ValueReference>eo/platform</fes:ValueReference><fes:Literal>Sentinel-2A</fes:Literal></fes:PropertyIsEqualTo>
        <fes:Not><fes:PropertyIsGreaterThanOrEqualTo><fes:Literal>3</fes:Literal><fes:ValueReference>orbit</fes:ValueReference></fes:PropertyIsGreaterThanOrEqualTo></fes:Not></fes:Or></fes:And>`),
      "cloudCover < 10.5 AND (CASEI(eo.platform) = CASEI('Sentinel-2A') OR NOT 3 >= orbit)",
    ],
    [
      'FES 2.0 like with its own wildcard marks, null and between',
      fes(`<fes:And><fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>title</fes:ValueReference><fes:Literal>S*2!*_.</fes:Literal></fes:PropertyIsLike>
        <fes:PropertyIsNull><fes:ValueReference>end</fes:ValueReference></fes:PropertyIsNull>
        <fes:PropertyIsBetween><fes:ValueReference>cloudCover</fes:ValueReference><fes:LowerBoundary><fes:Literal>1</fes:Literal></fes:LowerBoundary><fes:UpperBoundary><fes:Literal>20</fes:Literal></fes:UpperBoundary></fes:PropertyIsBetween></fes:And>`),
      "title LIKE 'S%2*\\__' AND end IS NULL AND cloudCover BETWEEN 1 AND 20",
    ],
    [
      'FE 1.1 PropertyName, escape attribute, case-insensitive like',
      ogc(`<ogc:PropertyIsLike wildCard="%" singleChar="_" escape="\\" matchCase="false"><ogc:PropertyName>dc:title</ogc:PropertyName><ogc:Literal>lan%</ogc:Literal></ogc:PropertyIsLike>`),
      "CASEI(dc:title) LIKE CASEI('lan%')",
    ],
    [
      'FES 2.0 BBOX with a CRS:84 envelope',
      fes(`<fes:BBOX><fes:ValueReference>geometry</fes:ValueReference><gml:Envelope srsName="http://www.opengis.net/def/crs/OGC/1.3/CRS84"><gml:lowerCorner>-10 40</gml:lowerCorner><gml:upperCorner>5 50</gml:upperCorner></gml:Envelope></fes:BBOX>`),
      '',
    ],
    [
      'FES 2.0 Intersects with a lat/lon URN polygon, axes swapped to x/y',
      fes(`<fes:Intersects><fes:ValueReference>geometry</fes:ValueReference><gml:Polygon srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>40 -10 40 5 50 5 40 -10</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects>`),
      'S_INTERSECTS(geometry, POLYGON((-10 40, 5 40, 5 50, -10 40)))',
    ],
    [
      'FE 1.1 Within a GML 2 MultiPolygon with coordinates',
      ogc(`<ogc:Within><ogc:PropertyName>geometry</ogc:PropertyName><gml:MultiPolygon srsName="EPSG:4326"><gml:polygonMember><gml:Polygon><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates>0,0 10,0 10,10 0,0</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs></gml:Polygon></gml:polygonMember></gml:MultiPolygon></ogc:Within>`),
      'S_WITHIN(geometry, MULTIPOLYGON(((0 0, 10 0, 10 10, 0 0))))',
    ],
    [
      'FES 2.0 points, lines and multi-geometries',
      fes(`<fes:Or><fes:Touches><fes:ValueReference>geometry</fes:ValueReference><gml:Point srsName="EPSG:4326"><gml:pos>1 2</gml:pos></gml:Point></fes:Touches>
        <fes:Crosses><fes:ValueReference>geometry</fes:ValueReference><gml:LineString><gml:pos>0 0</gml:pos><gml:pos>1 1</gml:pos></gml:LineString></fes:Crosses>
        <fes:Disjoint><fes:ValueReference>geometry</fes:ValueReference><gml:MultiPoint><gml:pointMember><gml:Point><gml:pos>1 2</gml:pos></gml:Point></gml:pointMember><gml:pointMember><gml:Point><gml:pos>3 4</gml:pos></gml:Point></gml:pointMember></gml:MultiPoint></fes:Disjoint>
        <fes:Overlaps><fes:ValueReference>geometry</fes:ValueReference><gml:MultiCurve><gml:curveMember><gml:LineString><gml:posList>0 0 1 1 2 0</gml:posList></gml:LineString></gml:curveMember></gml:MultiCurve></fes:Overlaps></fes:Or>`),
      'S_TOUCHES(geometry, POINT(1 2)) OR S_CROSSES(geometry, LINESTRING(0 0, 1 1)) OR S_DISJOINT(geometry, MULTIPOINT(1 2, 3 4)) OR S_OVERLAPS(geometry, MULTILINESTRING((0 0, 1 1, 2 0)))',
    ],
    [
      'FES 2.0 temporal operators with gml:TimeInstant, gml:TimePeriod and ISO literals',
      fes(`<fes:And><fes:After><fes:ValueReference>datetime</fes:ValueReference><gml:TimeInstant gml:id="t1"><gml:timePosition>2020-05-17T10:30:00Z</gml:timePosition></gml:TimeInstant></fes:After>
        <fes:During><fes:ValueReference>datetime</fes:ValueReference><gml:TimePeriod gml:id="p1"><gml:beginPosition>2020-01-01T00:00:00Z</gml:beginPosition><gml:endPosition>2020-12-31T00:00:00Z</gml:endPosition></gml:TimePeriod></fes:During>
        <fes:AnyInteracts><fes:ValueReference>datetime</fes:ValueReference><fes:Literal>2021-01-01</fes:Literal></fes:AnyInteracts>
        <fes:Begins><fes:ValueReference>datetime</fes:ValueReference><gml:TimePeriod><gml:begin><gml:TimeInstant><gml:timePosition>2020-01-01T00:00:00Z</gml:timePosition></gml:TimeInstant></gml:begin><gml:end><gml:TimeInstant><gml:timePosition indeterminatePosition="unknown"/></gml:TimeInstant></gml:end></gml:TimePeriod></fes:Begins></fes:And>`),
      "T_AFTER(datetime, TIMESTAMP('2020-05-17T10:30:00Z')) AND T_DURING(datetime, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z')) AND T_INTERSECTS(datetime, DATE('2021-01-01')) AND T_STARTS(datetime, INTERVAL('2020-01-01T00:00:00Z', '..'))",
    ],
    [
      'FES 2.0 functions as expressions',
      fes(`<fes:PropertyIsEqualTo><fes:Function name="lower"><fes:ValueReference>platform</fes:ValueReference></fes:Function><fes:Literal>sentinel-2a</fes:Literal></fes:PropertyIsEqualTo>`),
      "lower(platform) = 'sentinel-2a'",
    ],
  ];
  for (const [title, xml, cql] of equivalents) {
    if (!cql) continue;
    it(`${title} means what the CQL2 ${cql} means`, () => {
      close(comparable(parseFesFilter(xml)), comparable(parseCql2Text(cql)));
    });
  }

  it('reads BBOX into a bbox node in CRS:84, with the default geometry when no property is named', () => {
    assert.deepEqual(parseFesFilter(equivalents[3]![1]), { op: 'bbox', expr: { kind: 'property', name: 'geometry', path: ['geometry'] }, bbox: [-10, 40, 5, 50], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' });
    const noProperty = fes('<fes:BBOX><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 -10</gml:lowerCorner><gml:upperCorner>50 5</gml:upperCorner></gml:Envelope></fes:BBOX>');
    assert.deepEqual(parseFesFilter(noProperty, { defaultGeometry: 'footprint' }), { op: 'bbox', expr: { kind: 'property', name: 'footprint', path: ['footprint'] }, bbox: [-10, 40, 5, 50], crs: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' });
  });

  it('transforms geometries in projected CRSs to CRS:84', () => {
    const f = parseFesFilter(fes('<fes:Intersects><fes:ValueReference>geometry</fes:ValueReference><gml:Point srsName="EPSG:3857"><gml:pos>1113194.9079327357 0</gml:pos></gml:Point></fes:Intersects>'));
    assert.ok(f.op === 'spatial' && f.right.kind === 'geometry');
    const [x, y] = f.right.geometry.coordinates as number[];
    assert.ok(Math.abs(x! - 10) < 1e-9 && Math.abs(y!) < 1e-9, `${x} ${y}`);
  });

  it('reads DWithin with its distance units and resource ids of both versions', () => {
    const d = parseFesFilter(fes('<fes:DWithin><fes:ValueReference>geometry</fes:ValueReference><gml:Point><gml:pos>1 2</gml:pos></gml:Point><fes:Distance uom="m">500</fes:Distance></fes:DWithin>'));
    assert.deepEqual({ ...d, left: undefined, right: undefined }, { op: 'dwithin', distance: 500, units: 'm', left: undefined, right: undefined });
    assert.deepEqual(parseFesFilter(fes('<fes:ResourceId rid="a.1"/><fes:ResourceId rid="a.2"/>')), { op: 'ids', ids: ['a.1', 'a.2'] });
    assert.deepEqual(parseFesFilter(ogc('<ogc:FeatureId fid="f1"/><ogc:GmlObjectId gml:id="g2"/>')), { op: 'ids', ids: ['f1', 'g2'] });
  });

  const refusals: Array<[string, string]> = [
    ['<Query/>', "Expected a Filter element, found 'Query'"],
    [fes(''), 'Filter has no operator'],
    [fes('<fes:PropertyIsEqualTo><fes:ValueReference>a</fes:ValueReference></fes:PropertyIsEqualTo>'), 'PropertyIsEqualTo needs 2 operand(s), found 1'],
    [fes('<fes:And><fes:PropertyIsNull><fes:ValueReference>a</fes:ValueReference></fes:PropertyIsNull></fes:And>'), 'And needs at least two operands'],
    [fes('<fes:Foo/>'), "Unsupported filter operator 'Foo'"],
    [fes('<fes:Intersects><fes:ValueReference>g</fes:ValueReference><gml:Point srsName="EPSG:999999"><gml:pos>1 2</gml:pos></gml:Point></fes:Intersects>'), "Unknown srsName 'EPSG:999999'"],
    [fes('<fes:Intersects><fes:ValueReference>g</fes:ValueReference><gml:Point><gml:pos>1 x</gml:pos></gml:Point></fes:Intersects>'), "'x' in pos is not a number"],
    [fes('<fes:After><fes:ValueReference>t</fes:ValueReference><fes:Literal>yesterday</fes:Literal></fes:After>'), "'yesterday' is not an ISO 8601 time"],
    [fes('<fes:PropertyIsLike wildCard="**"><fes:ValueReference>a</fes:ValueReference><fes:Literal>x</fes:Literal></fes:PropertyIsLike>'), 'wildCard must be one character'],
  ];
  for (const [xml, message] of refusals) {
    it(`refuses ${message}`, () => {
      assert.throws(() => parseFesFilter(xml), (err: unknown) => err instanceof FilterError && err.status === 400 && err.message.includes(message));
    });
  }

  it('refuses XML with a DTD before parsing it', () => {
    assert.throws(() => parseFesFilter(`<!DOCTYPE x [<!ENTITY e "boom">]>${fes('<fes:PropertyIsNull><fes:ValueReference>a</fes:ValueReference></fes:PropertyIsNull>')}`), (err: unknown) => (err as { status?: number }).status === 400);
  });
});
