/** The WMS plugin's config (`plugins.wms`): its JSON Schema with defaults, and the type setup() gets. */
import type { JSONSchema } from '../../core/plugin.js';
import { SAMPLE_VECTOR_STYLES } from './vector/sample-styles.js';
import { vectorStylesSchema, type VectorStyleConfig } from './vector/style-config.js';

export interface WmsContact {
  person?: string;
  organization?: string;
  position?: string;
  addressType?: string;
  address?: string;
  city?: string;
  stateOrProvince?: string;
  postCode?: string;
  country?: string;
  phone?: string;
  fax?: string;
  email?: string;
}

/** What this service says about one layer (a coverage or a feature collection) beyond what its engine describes. */
export interface WmsLayerConfig {
  /** GetFeatureInfo answers for it (queryable="1"); default true. */
  queryable?: boolean;
  /**
   * A request without TIME is refused with MissingDimensionValue instead of drawing the latest
   * instant, and the capabilities declare no default (WMS 1.3.0 annex C.4.1). Default: `timeRequired`.
   */
  timeRequired?: boolean;
}

export interface WmsConfig {
  title: string;
  abstract: string;
  keywords: string[];
  /** Service OnlineResource; default: this endpoint's URL. */
  onlineResource?: string;
  contact?: WmsContact;
  fees: string;
  accessConstraints: string;
  /** Most layers one GetMap may name (LayerLimit). */
  layerLimit: number;
  /** Largest WIDTH/HEIGHT (within the engine's own limits). */
  maxWidth: number;
  maxHeight: number;
  /** The root layer holding every coverage layer. */
  rootLayer: { title?: string; abstract?: string };
  /** CRSs every layer is offered in (each layer adds its native CRS). */
  crs: string[];
  /** GetMap/GetFeatureInfo also take any other CRS the server can transform to (UTM zones...), as advertised ones. */
  acceptUnlistedCrs: boolean;
  /** Default for layers whose config says nothing: TIME is required (no default instant). */
  timeRequired: boolean;
  /** Per coverage or feature collection id. */
  layers: Record<string, WmsLayerConfig>;
  /** Per feature collection id: its styles, the first the default (vector/style-config.ts). */
  vectorStyles: Record<string, VectorStyleConfig[]>;
  /** Most features one vector layer of one map draws (the rest are left out, and logged). */
  vectorMaxFeatures: number;
  /** GetFeatureInfo on vector layers: how many pixels from a feature as drawn still hit it. */
  featureInfoTolerance: number;
  /** Size of the legends the capabilities point at (LegendURL width/height). */
  legendWidth: number;
  legendHeight: number;
  /** 'standard' sends each exception's HTTP status; 'always-200' sends 200 (some old clients want it). */
  exceptionStatus: 'standard' | 'always-200';
  /** JPEG/WebP quality. */
  quality: number;
}

export const DEFAULT_CRS = ['EPSG:4326', 'CRS:84', 'EPSG:3857'];

export const wmsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', default: 'Meridian maps (WMS)', description: 'Service Title.' },
    abstract: { type: 'string', default: 'Maps of the coverages of the platform, through OGC WMS 1.3.0 and 1.1.1.', description: 'Service Abstract.' },
    keywords: { type: 'array', items: { type: 'string' }, default: ['WMS', 'maps', 'Earth Observation'], description: 'Service KeywordList.' },
    onlineResource: { type: 'string', description: "Service OnlineResource; default: this endpoint's URL." },
    contact: {
      type: 'object',
      additionalProperties: false,
      description: 'Service ContactInformation.',
      properties: {
        person: { type: 'string' },
        organization: { type: 'string' },
        position: { type: 'string' },
        addressType: { type: 'string' },
        address: { type: 'string' },
        city: { type: 'string' },
        stateOrProvince: { type: 'string' },
        postCode: { type: 'string' },
        country: { type: 'string' },
        phone: { type: 'string' },
        fax: { type: 'string' },
        email: { type: 'string' },
      },
    },
    fees: { type: 'string', default: 'none', description: 'Service Fees.' },
    accessConstraints: { type: 'string', default: 'none', description: 'Service AccessConstraints.' },
    layerLimit: { type: 'integer', minimum: 1, default: 16, description: 'Most layers one GetMap may name (LayerLimit).' },
    maxWidth: { type: 'integer', minimum: 1, default: 4096, description: "Largest WIDTH (MaxWidth); the engine's limit caps it too." },
    maxHeight: { type: 'integer', minimum: 1, default: 4096, description: "Largest HEIGHT (MaxHeight); the engine's limit caps it too." },
    rootLayer: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The root layer holding every coverage layer (Title defaults to the service title).',
      properties: { title: { type: 'string' }, abstract: { type: 'string' } },
    },
    crs: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      default: DEFAULT_CRS,
      description: "CRSs every layer is offered in (each layer adds its native CRS): EPSG codes, CRS:84, OGC URNs.",
    },
    acceptUnlistedCrs: {
      type: 'boolean',
      default: true,
      description: 'GetMap and GetFeatureInfo also accept any CRS the server can transform to (UTM zones...), not only the advertised ones.',
    },
    timeRequired: {
      type: 'boolean',
      default: false,
      description: 'Layers with a time dimension need TIME (MissingDimensionValue without it; no default is advertised). Per layer: layers.<id>.timeRequired.',
    },
    layers: {
      type: 'object',
      default: {},
      description: 'Per coverage or feature collection id: queryable, timeRequired.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          queryable: { type: 'boolean', description: 'GetFeatureInfo answers for this layer (default true).' },
          timeRequired: { type: 'boolean', description: 'TIME is required for this layer.' },
        },
      },
    },
    // Default: styles for the sample collections (vector/sample-styles.ts).
    vectorStyles: { ...vectorStylesSchema, default: SAMPLE_VECTOR_STYLES },
    vectorMaxFeatures: { type: 'integer', minimum: 1, default: 50000, description: 'Most features one vector layer of one map draws.' },
    featureInfoTolerance: { type: 'integer', minimum: 0, maximum: 50, default: 3, description: 'GetFeatureInfo on vector layers: pixels around a feature as drawn that still hit it.' },
    legendWidth: { type: 'integer', minimum: 1, maximum: 2048, default: 120, description: 'Width of the legends the capabilities point at.' },
    legendHeight: { type: 'integer', minimum: 1, maximum: 2048, default: 40, description: 'Height of the legends the capabilities point at.' },
    exceptionStatus: {
      type: 'string',
      enum: ['standard', 'always-200'],
      default: 'standard',
      description: "HTTP status of exception reports: each code's own (standard) or 200 for all (some older clients).",
    },
    quality: { type: 'integer', minimum: 1, maximum: 100, default: 85, description: 'JPEG and WebP quality.' },
  },
};
