/** Namespaces, schema locations and root attributes of the WPS 1.0.0 documents (OGC 05-007r7, on OWS Common 1.1). */
import { NS } from '../../../core/ows/index.js';

export const WPS1_NS = 'http://www.opengis.net/wps/1.0.0';
export const WPS1_SCHEMAS = 'http://schemas.opengis.net/wps/1.0.0';
export const OWS11_NS = NS.ows11;

/** The root of a WPS 1.0.0 response: namespaces, its schema, and the ResponseBaseType attributes. */
export function wps1RootAttrs(schema: string): Record<string, string> {
  return {
    'xmlns:wps': WPS1_NS,
    'xmlns:ows': OWS11_NS,
    'xmlns:xlink': NS.xlink,
    'xmlns:xsi': NS.xsi,
    'xsi:schemaLocation': `${WPS1_NS} ${WPS1_SCHEMAS}/${schema}`,
    service: 'WPS',
    version: '1.0.0',
    'xml:lang': 'en',
  };
}

export const isWps1 = (n: { namespace: string; name: string }, local: string) => n.namespace === WPS1_NS && n.name === local;
export const isOws11 = (n: { namespace: string; name: string }, local: string) => n.namespace === OWS11_NS && n.name === local;
