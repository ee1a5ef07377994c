/**
 * DescribeFeatureType (WFS 2.0 §9, 1.1.0 §8): a GML application schema generated from the
 * collections' definitions: one element per feature type (substituting gml:AbstractFeature in
 * 3.2, gml:_Feature in 3.1.1) whose type extends gml:AbstractFeatureType with one element per
 * property (typed by encoders/values.ts, optional and nillable) and the geometry property typed
 * by the declared geometry type. No type names: every feature type the subject may read.
 */
import { el, serializeXml, type XmlElement } from '../../core/ows/index.js';
import type { CollectionDescription, GeometryType } from '../features/types.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { XSD_TYPES } from './encoders/values.js';
import { checkSchemaFormat } from './output-formats.js';
import { GEOMETRY_PROPERTY } from './query-plan.js';
import type { DescribeFeatureTypeRequest } from './requests.js';
import { NS, PROFILES, type WfsVersion } from './versions.js';

/** The GML property type of each declared geometry type (GML 3.2 has no LineString/Polygon property types). */
function geometryPropertyType(type: GeometryType, version: WfsVersion): string {
  const gml32 = version === '2.0.0';
  switch (type) {
    case 'Point':
      return 'gml:PointPropertyType';
    case 'MultiPoint':
      return 'gml:MultiPointPropertyType';
    case 'LineString':
      return gml32 ? 'gml:CurvePropertyType' : 'gml:LineStringPropertyType';
    case 'MultiLineString':
      return 'gml:MultiCurvePropertyType';
    case 'Polygon':
      return gml32 ? 'gml:SurfacePropertyType' : 'gml:PolygonPropertyType';
    case 'MultiPolygon':
      return 'gml:MultiSurfacePropertyType';
    case 'GeometryCollection':
      return 'gml:MultiGeometryPropertyType';
    default:
      return 'gml:GeometryPropertyType';
  }
}

function featureTypeXml(c: CollectionDescription, prefix: string, version: WfsVersion): XmlElement[] {
  const profile = PROFILES[version];
  return [
    el('xsd:element', { name: c.id, type: `${prefix}:${c.id}Type`, substitutionGroup: profile.abstractFeature }),
    el(
      'xsd:complexType',
      { name: `${c.id}Type` },
      el(
        'xsd:complexContent',
        null,
        el(
          'xsd:extension',
          { base: 'gml:AbstractFeatureType' },
          el(
            'xsd:sequence',
            null,
            c.properties.map((p) => el('xsd:element', { name: p.name, type: XSD_TYPES[p.type], minOccurs: 0, nillable: 'true' })),
            el('xsd:element', { name: GEOMETRY_PROPERTY, type: geometryPropertyType(c.geometryType, version), minOccurs: 0, nillable: 'true' }),
          ),
        ),
      ),
    ),
  ];
}

export function applicationSchema(collections: readonly CollectionDescription[], namespace: { prefix: string; uri: string }, version: WfsVersion): XmlElement {
  const profile = PROFILES[version];
  return el(
    'xsd:schema',
    {
      'xmlns:xsd': NS.xsd,
      'xmlns:gml': profile.gmlNs,
      [`xmlns:${namespace.prefix}`]: namespace.uri,
      targetNamespace: namespace.uri,
      elementFormDefault: 'qualified',
      version: '1.0',
    },
    el('xsd:import', { namespace: profile.gmlNs, schemaLocation: profile.gmlSchemaLocation }),
    collections.map((c) => featureTypeXml(c, namespace.prefix, version)),
  );
}

export async function describeFeatureType(request: DescribeFeatureTypeRequest, env: WfsEnv): Promise<WfsResponse> {
  const contentType = checkSchemaFormat(request.outputFormat, request.version);
  const collections = request.typeNames.length === 0 ? await env.types.all() : await Promise.all(request.typeNames.map((t) => env.types.resolve(t, 'typeNames')));
  const unique = [...new Map(collections.map((c) => [c.id, c])).values()];
  return { contentType, body: serializeXml(applicationSchema(unique, env.types.namespace, request.version)) };
}
