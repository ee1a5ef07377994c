/** The WCS 2.0 requests, as both bindings (KVP and XML) read them into the same shapes. */
import type { KvpParams, XmlTreeNode } from '../../core/ows/index.js';

export const OPERATION_NAMES = ['GetCapabilities', 'DescribeCoverage', 'GetCoverage', 'DescribeEOCoverageSet'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

export interface GetCapabilitiesRequest {
  operation: 'GetCapabilities';
  acceptVersions?: string[];
  sections?: string[];
  updateSequence?: string;
  acceptFormats?: string[];
}

export interface DescribeCoverageRequest {
  operation: 'DescribeCoverage';
  coverageIds: string[];
}

/** One dimension subset: a trim (either bound may be open) or a slice. Values as written (unquoted). */
export type DimensionSubset =
  | { kind: 'trim'; axis: string; low?: string; high?: string; crs?: string }
  | { kind: 'slice'; axis: string; point: string; crs?: string };

export type Scaling =
  | { kind: 'factor'; factor: number }
  | { kind: 'axes'; axes: Array<{ axis: string; factor: number }> }
  | { kind: 'size'; axes: Array<{ axis: string; size: number }> }
  | { kind: 'extent'; axes: Array<{ axis: string; low: number; high: number }> };

export type RangeItem = { kind: 'component'; name: string } | { kind: 'interval'; start: string; end: string };

export interface GeoTiffParameters {
  compression?: string;
  predictor?: string;
  interleave?: string;
  tiling?: string;
  tileWidth?: string;
  tileHeight?: string;
}

export interface GetCoverageRequest {
  operation: 'GetCoverage';
  coverageId: string;
  subsets: DimensionSubset[];
  format?: string;
  mediaType?: string;
  subsettingCrs?: string;
  outputCrs?: string;
  scaling?: Scaling;
  /** The parameter the scaling came from, for exception locators (SCALESIZE, ScaleToSize...). */
  scalingLocator?: string;
  rangeSubset?: RangeItem[];
  interpolation?: string;
  geotiff: GeoTiffParameters;
}

export interface DescribeEOCoverageSetRequest {
  operation: 'DescribeEOCoverageSet';
  eoIds: string[];
  containment?: string;
  count?: number;
  sections?: string[];
  subsets: DimensionSubset[];
}

export type WcsRequest = GetCapabilitiesRequest | DescribeCoverageRequest | GetCoverageRequest | DescribeEOCoverageSetRequest;

/** What every operation checks first (operation, service, version), read the same way from both bindings. */
export interface RequestHead {
  binding: 'kvp' | 'xml';
  /** REQUEST (KVP) or the root element's local name (XML), as written. */
  operation: string | undefined;
  service: string | undefined;
  version: string | undefined;
  acceptVersions: string[] | undefined;
  /** XML: whether the root element is in the WCS 2.0 or EO-WCS namespace. */
  knownNamespace?: boolean;
  /** KVP: the parameters, which the WCS 1.0 and 1.1 requests are read from (wcs1/). */
  kvp?: KvpParams;
  /** XML: the request document (ProcessCoverages reads its query from it). */
  root?: XmlTreeNode;
  parse(operation: OperationName): WcsRequest;
}
