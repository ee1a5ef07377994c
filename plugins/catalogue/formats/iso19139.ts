/**
 * ISO 19139 metadata (ISO 19115 / 19119 / 19115-2 in XML): decoded from gmd:MD_Metadata and
 * gmi:MI_Metadata, written as gmd:MD_Metadata in the CSW ISO Application Profile element sets.
 */
import { NS } from '../../../core/ows/index.js';
import { readIso19139 } from './iso19139-read.js';
import { writeIso19139 } from './iso19139-write.js';
import { APISO_QUERYABLES, DC_TYPE_NAMES, recordTypeOfDcType } from './queryables.js';
import type { MetadataFormat } from './types.js';
import { cswResponseRecords, hasRoot, pageRecords, rootElement, standaloneXml } from './xml-read.js';

const ROOTS = [
  { namespace: NS.gmd, localName: 'MD_Metadata' },
  { namespace: NS.gmi, localName: 'MI_Metadata' },
];

export const iso19139Format: MetadataFormat = {
  name: 'iso19139',
  title: 'ISO 19139 (ISO 19115/19119 metadata in XML)',
  mediaType: 'application/vnd.iso.19139+xml',
  schema: NS.gmd,
  queryables: APISO_QUERYABLES,
  typeNames: DC_TYPE_NAMES,
  recordTypeOf: recordTypeOfDcType,
  detect: (doc) => hasRoot(doc, ROOTS) || (cswResponseRecords(doc, ROOTS)?.length ?? 0) > 0,
  decode(doc, options) {
    // A CSW response page of ISO records (a harvest with outputSchema gmd) gives each of them.
    const page = pageRecords(doc, ROOTS, 'gmd:MD_Metadata');
    if (page) return page.map((el) => readIso19139(el, standaloneXml(el), options));
    return [readIso19139(rootElement(doc, ROOTS, 'gmd:MD_Metadata'), doc.text, options)];
  },
  toXml: (record, options) => writeIso19139(record, options),
};
