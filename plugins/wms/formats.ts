/** MIME types this service answers in, and how a request's FORMAT / INFO_FORMAT / EXCEPTIONS are read. */
import { OwsException } from '../../core/ows/index.js';
import type { ImageFormat } from '../coverages/types.js';
import type { WmsVersion } from './versions.js';

export const IMAGE_FORMATS: ReadonlyArray<readonly [string, ImageFormat]> = [
  ['image/png', 'png'],
  ['image/jpeg', 'jpeg'],
  ['image/webp', 'webp'],
];

export const IMAGE_MIME: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/**
 * FORMAT of GetMap / GetLegendGraphic. MIME parameters (`image/png; mode=8bit`) and case are
 * ignored, and `image/jpg` is read as JPEG, as clients write them; anything else is InvalidFormat.
 */
export function imageFormatOf(value: string, locator = 'FORMAT'): ImageFormat {
  const mime = value.split(';')[0]!.trim().toLowerCase();
  const found = IMAGE_FORMATS.find(([m]) => m === mime)?.[1] ?? (mime === 'image/jpg' ? 'jpeg' : undefined);
  if (!found) {
    throw new OwsException('InvalidFormat', `Format '${value}' is not offered; formats: ${IMAGE_FORMATS.map(([m]) => m).join(', ')}`, { locator });
  }
  return found;
}

export type InfoFormat = 'text/plain' | 'application/json' | 'text/html' | 'text/xml';
export const INFO_FORMATS: readonly InfoFormat[] = ['text/plain', 'application/json', 'text/html', 'text/xml'];

export function infoFormatOf(value: string): InfoFormat {
  const mime = value.split(';')[0]!.trim().toLowerCase();
  const found = INFO_FORMATS.find((f) => f === mime);
  if (!found) {
    throw new OwsException('InvalidFormat', `INFO_FORMAT '${value}' is not offered; formats: ${INFO_FORMATS.join(', ')}`, { locator: 'INFO_FORMAT' });
  }
  return found;
}

export type ExceptionsMode = 'xml' | 'inimage' | 'blank';

/**
 * EXCEPTIONS: WMS 1.3.0 names XML, INIMAGE, BLANK; 1.1.1 the application/vnd.ogc.se_* types.
 * Either spelling is read in either version (clients mix them), text/xml too.
 */
export function exceptionsModeOf(value: string | undefined, version: WmsVersion): ExceptionsMode {
  if (value === undefined || value.trim() === '') return 'xml';
  const v = value.trim().toLowerCase();
  if (v === 'xml' || v === 'text/xml' || v === 'application/vnd.ogc.se_xml') return 'xml';
  if (v === 'inimage' || v === 'application/vnd.ogc.se_inimage') return 'inimage';
  if (v === 'blank' || v === 'application/vnd.ogc.se_blank') return 'blank';
  const names = version === '1.3.0' ? 'XML, INIMAGE, BLANK' : 'application/vnd.ogc.se_xml, application/vnd.ogc.se_inimage, application/vnd.ogc.se_blank';
  throw new OwsException('InvalidParameterValue', `EXCEPTIONS '${value}' is not offered; formats: ${names}`, { locator: 'EXCEPTIONS' });
}
