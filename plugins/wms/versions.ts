/**
 * The two WMS versions and what differs between them at the request edge: the CRS parameter's
 * name, the axis order of BBOX, the names of the pixel parameters of GetFeatureInfo, the
 * exception and capabilities formats.
 */
import type { AxisOrderContext, WmsVersion } from '../../core/ows/index.js';

export type { WmsVersion };

/** Ascending, as negotiateWmsVersion wants them. */
export const WMS_VERSIONS: readonly WmsVersion[] = ['1.1.1', '1.3.0'];

export interface VersionProfile {
  /** CRS (1.3.0) or SRS (1.1.1). */
  crsParam: 'CRS' | 'SRS';
  /** Pixel column and row of GetFeatureInfo: I/J (1.3.0), X/Y (1.1.1). */
  columnParam: 'I' | 'X';
  rowParam: 'J' | 'Y';
  /** 1.3.0 writes BBOX in the CRS's own axis order (EPSG:4326 is lat/lon); 1.1.1 always x/y. */
  axisOrder: AxisOrderContext;
  /** Capabilities MIME type. */
  capabilitiesFormat: string;
  /** The exception formats the capabilities list, for XML, INIMAGE and BLANK. */
  exceptionFormats: { xml: string; inimage: string; blank: string };
}

export const PROFILES: Record<WmsVersion, VersionProfile> = {
  '1.3.0': {
    crsParam: 'CRS',
    columnParam: 'I',
    rowParam: 'J',
    axisOrder: 'authority',
    capabilitiesFormat: 'text/xml',
    exceptionFormats: { xml: 'XML', inimage: 'INIMAGE', blank: 'BLANK' },
  },
  '1.1.1': {
    crsParam: 'SRS',
    columnParam: 'X',
    rowParam: 'Y',
    axisOrder: 'xy',
    capabilitiesFormat: 'application/vnd.ogc.wms_xml',
    exceptionFormats: { xml: 'application/vnd.ogc.se_xml', inimage: 'application/vnd.ogc.se_inimage', blank: 'application/vnd.ogc.se_blank' },
  },
};

/** Where the request's version is kept once known, for the error encoder. */
export const VERSION_STATE = 'wmsVersion';
