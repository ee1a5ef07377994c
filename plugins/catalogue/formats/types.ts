/**
 * Metadata formats: the encodings the catalogue reads records from (import, the write API, CSW
 * Transaction and Harvest) and writes them in (OpenSearch, CSW, the write API). They live in the
 * engine, so every protocol plugin reads and writes a format the same way.
 */
import type { XmlElement } from '../../../core/ows/index.js';
import type { CatalogueRecord, CatalogueRecordInput, RecordType } from '../types.js';

/** A document to decode: its text, and its parsed JSON when it is JSON. */
export interface MetadataDocument {
  text: string;
  /** Parsed JSON, when the text is JSON (the registry parses it once for every format's detect). */
  json?: unknown;
  /** Where it came from (a file path or URL), for relative links and error messages. */
  source?: string;
}

export interface DecodeOptions {
  /** Collection identifier for products that name none (importing into a collection). */
  parentIdentifier?: string;
  /** Owner to set on records that carry none (the subject that writes them). */
  owner?: string;
  /**
   * Record type for documents that do not say (a GeoJSON Feature without `kind` posted to a
   * collections endpoint); a type the document states wins. Default 'product'.
   */
  defaultType?: RecordType;
}

export interface EncodeOptions {
  /** Absolute URL of the record as the calling service exposes it (self link), if any. */
  selfUrl?: string;
  /** More links the calling service adds (to its own description, alternate encodings, offerings). */
  links?: Array<{ href: string; rel: string; type?: string; title?: string }>;
  /** CSW element sets; formats without levels ignore it. Default 'full'. */
  elementSet?: 'brief' | 'summary' | 'full';
  /** Return the stored original document unchanged when it is in this format (default false). */
  asReceived?: boolean;
}

/** One metadata encoding. A format implements decode, an encoder (toJson or toXml), or both. */
export interface MetadataFormat {
  /**
   * Stable name, also written as `metadata.format` on records decoded from it: 'stac',
   * 'ogc17-003', 'iso19139', 'iso19115-3', 'dublin-core', 'eop21'.
   */
  name: string;
  title: string;
  /** Media type of documents in this format ('application/geo+json', 'application/vnd.iso.19139+xml'). */
  mediaType: string;
  /** Namespace or schema URI clients name it by (CSW outputSchema/typeNames): 'http://www.isotc211.org/2005/gmd'. */
  schema?: string;
  /**
   * The names a query language calls this format's elements by (CSW: 'dc:title', 'apiso:Title')
   * → the engine queryable each stands for; null for a full-text match (csw:AnyText). What a
   * filter names is then what a response in this format shows.
   */
  queryables?: Readonly<Record<string, string | null>>;
  /** This format's word for each record type (dc:type: series, dataset, service, application). */
  typeNames?: Readonly<Record<RecordType, string>>;
  /** The record type a type word names (also DCMI types, ISO scope codes, their URIs), or undefined. */
  recordTypeOf?(word: string): RecordType | undefined;
  /** True when the document is of this format (a cheap look at the JSON or the root element). */
  detect?(doc: MetadataDocument): boolean;
  /**
   * Reads a document into records (one document may hold several: a STAC ItemCollection, a
   * FeatureCollection). Throws BadRequest with code 'InvalidRecord' and a locator naming the field
   * for a document it cannot read. The original text is kept as each record's `metadata`.
   */
  decode?(doc: MetadataDocument, options: DecodeOptions): CatalogueRecordInput[];
  /** JSON formats: the record as a JSON value. */
  toJson?(record: CatalogueRecord, options: EncodeOptions): unknown;
  /** XML formats: the record as an element (namespaces declared on it), to embed or serialise. */
  toXml?(record: CatalogueRecord, options: EncodeOptions): XmlElement;
}

/** The formats the engine knows, as `catalogue.formats` gives them to plugins. */
export interface MetadataFormats {
  list(): MetadataFormat[];
  /** By name ('iso19139'), media type or schema URI; undefined when unknown. */
  find(nameOrMediaTypeOrSchema: string): MetadataFormat | undefined;
  /**
   * Decodes a document: with `format`, in that format; otherwise the first format whose detect
   * accepts it. BadRequest ('InvalidRecord') when the text is not a document any format reads.
   */
  decode(doc: MetadataDocument | string, options?: DecodeOptions & { format?: string }): { format: MetadataFormat; records: CatalogueRecordInput[] };
  /** Writes a record in a format, as text (XML without declaration, or JSON). */
  encode(format: string, record: CatalogueRecord, options?: EncodeOptions): string;
}
