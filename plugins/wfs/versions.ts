/**
 * The two WFS versions this plugin speaks and what differs between them: namespaces, the OWS
 * Common version of capabilities and exceptions (WFS 2.0 is built on OWS Common 1.1, WFS 1.1.0 on
 * 1.0), the filter encoding (FES 2.0 / Filter 1.1), GML (3.2 / 3.1.1) and their formats.
 */
import type { OwsCommonVersion } from '../../core/ows/index.js';

export type WfsVersion = '1.1.0' | '2.0.0';
/** Ascending, as version negotiation takes them. */
export const WFS_VERSIONS: readonly WfsVersion[] = ['1.1.0', '2.0.0'];

export const NS = {
  wfs20: 'http://www.opengis.net/wfs/2.0',
  wfs11: 'http://www.opengis.net/wfs',
  fes20: 'http://www.opengis.net/fes/2.0',
  ogc: 'http://www.opengis.net/ogc',
  ows11: 'http://www.opengis.net/ows/1.1',
  ows10: 'http://www.opengis.net/ows',
  gml32: 'http://www.opengis.net/gml/3.2',
  gml: 'http://www.opengis.net/gml',
  xlink: 'http://www.w3.org/1999/xlink',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const;

export const GML32_FORMAT = 'application/gml+xml; version=3.2';
export const GML32_TEXT_FORMAT = 'text/xml; subtype=gml/3.2';
export const GML311_FORMAT = 'text/xml; subtype=gml/3.1.1';
export const JSON_FORMAT = 'application/json';
export const GEOJSON_FORMAT = 'application/geo+json';

export interface WfsProfile {
  version: WfsVersion;
  wfsNs: string;
  /** xsi:schemaLocation pair of WFS responses. */
  wfsSchema: string;
  ows: OwsCommonVersion;
  owsNs: string;
  owsSchema: string;
  /** Filter namespace and the prefix written for it. */
  fesNs: string;
  fesPrefix: 'fes' | 'ogc';
  gmlNs: string;
  gmlSchemaLocation: string;
  /** The GML output format of GetFeature and DescribeFeatureType, first the default. */
  gmlFormats: readonly string[];
  /** The abstract feature element application schemas substitute for. */
  abstractFeature: string;
  /** The ExceptionReport's version attribute. */
  reportVersion: string;
}

export const PROFILES: Readonly<Record<WfsVersion, WfsProfile>> = {
  '2.0.0': {
    version: '2.0.0',
    wfsNs: NS.wfs20,
    wfsSchema: `${NS.wfs20} http://schemas.opengis.net/wfs/2.0/wfs.xsd`,
    ows: '1.1.0',
    owsNs: NS.ows11,
    owsSchema: `${NS.ows11} http://schemas.opengis.net/ows/1.1.0/owsAll.xsd`,
    fesNs: NS.fes20,
    fesPrefix: 'fes',
    gmlNs: NS.gml32,
    gmlSchemaLocation: 'http://schemas.opengis.net/gml/3.2.1/gml.xsd',
    gmlFormats: [GML32_FORMAT, GML32_TEXT_FORMAT],
    abstractFeature: 'gml:AbstractFeature',
    reportVersion: '2.0.0',
  },
  '1.1.0': {
    version: '1.1.0',
    wfsNs: NS.wfs11,
    wfsSchema: `${NS.wfs11} http://schemas.opengis.net/wfs/1.1.0/wfs.xsd`,
    ows: '1.0.0',
    owsNs: NS.ows10,
    owsSchema: `${NS.ows10} http://schemas.opengis.net/ows/1.0.0/owsAll.xsd`,
    fesNs: NS.ogc,
    fesPrefix: 'ogc',
    gmlNs: NS.gml,
    gmlSchemaLocation: 'http://schemas.opengis.net/gml/3.1.1/base/gml.xsd',
    gmlFormats: [GML311_FORMAT],
    abstractFeature: 'gml:_Feature',
    reportVersion: '1.1.0',
  },
};

/** The version an XML request's root namespace names (WFS 1.0.0 shares 1.1.0's: its version attribute tells them apart). */
export function versionOfNamespace(namespace: string): WfsVersion | undefined {
  if (namespace === NS.wfs20) return '2.0.0';
  if (namespace === NS.wfs11) return '1.1.0';
  return undefined;
}

/** 2.0.2 and 2.0.1 (corrigenda of 2.0, same schema) are answered as 2.0.0; '2.0' and '1.1' too. */
export function normaliseVersion(value: string): string {
  const v = value.trim();
  if (/^2\.0(\.\d+)?$/.test(v)) return '2.0.0';
  if (v === '1.1') return '1.1.0';
  return v;
}
