/**
 * XML responses. A GetRecords page is encoded first (record-encoding.ts), then written as the
 * envelope's head, one chunk per record and its tail, without joining them into one string.
 */
import { raw, serializeXml, type XmlElement } from '../../core/ows/index.js';
import type { CswResponse } from './context.js';

export const XML_CONTENT_TYPE = 'application/xml; charset=UTF-8';

export function xmlResponse(root: XmlElement, status = 200): CswResponse {
  return { status, contentType: XML_CONTENT_TYPE, body: serializeXml(root) };
}

const SLOT = 'meridian-csw-records-slot';

/** A placeholder `envelope` is built around; xmlWithRecords puts the items there. */
export const recordsSlot = () => raw(`<!--${SLOT}-->`);

/** `envelope` with `items` (serialised records) where recordsSlot() stands. */
export function xmlWithRecords(envelope: XmlElement, items: readonly string[]): CswResponse {
  const text = serializeXml(envelope);
  const at = text.indexOf(`<!--${SLOT}-->`);
  if (at === -1) throw new Error('xmlWithRecords: the envelope has no records slot');
  const head = text.slice(0, at);
  const tail = text.slice(at + SLOT.length + 7);
  // The records are already serialised and a page is bounded by maxRecords: one body, one write.
  return { status: 200, contentType: XML_CONTENT_TYPE, body: head + items.join('') + tail };
}
