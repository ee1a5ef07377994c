/**
 * The POST-XML binding (OGC 09-148r1): the root element names the operation; its children are
 * read by local name. Extension content (scaling, range subsetting, interpolation, CRS, GeoTIFF)
 * sits in wcs:Extension and is found by local name too, since clients and drafts disagree on
 * the wrapping and prefixes of those elements.
 */
import { getCapabilitiesOfXml, invalidParameterValue, missingParameterValue, type XmlTreeNode } from '../../core/ows/index.js';
import { wcsException } from './exceptions.js';
import { WCS_NS } from './namespaces.js';
import type { DimensionSubset, GeoTiffParameters, RangeItem, RequestHead, Scaling, WcsRequest } from './requests.js';
import { unquote } from './subset-syntax.js';

const children = (node: XmlTreeNode, name: string) => node.children.filter((c) => c.name === name);
const child = (node: XmlTreeNode, name: string) => node.children.find((c) => c.name === name);

/** Every element named `name` below `node` (depth first). */
function descendants(node: XmlTreeNode, name: string): XmlTreeNode[] {
  const out: XmlTreeNode[] = [];
  const walk = (n: XmlTreeNode) => {
    for (const c of n.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

function requiredText(node: XmlTreeNode, name: string, locator = name): string {
  const found = child(node, name);
  if (!found || found.text.trim() === '') throw missingParameterValue(locator, `${node.name} needs a ${name}`);
  return found.text.trim();
}

function dimensionSubsets(root: XmlTreeNode): DimensionSubset[] {
  const out: DimensionSubset[] = [];
  for (const c of root.children) {
    if (c.name === 'DimensionTrim') {
      const low = child(c, 'TrimLow')?.text;
      const high = child(c, 'TrimHigh')?.text;
      const bound = (v: string | undefined) => (v === undefined || unquote(v) === '' || unquote(v) === '*' ? undefined : unquote(v));
      out.push({ kind: 'trim', axis: requiredText(c, 'Dimension', 'Dimension'), low: bound(low), high: bound(high), crs: child(c, 'Dimension')?.attrs.crs });
    } else if (c.name === 'DimensionSlice') {
      out.push({ kind: 'slice', axis: requiredText(c, 'Dimension', 'Dimension'), point: unquote(requiredText(c, 'SlicePoint', 'SlicePoint')), crs: child(c, 'Dimension')?.attrs.crs });
    }
  }
  return out;
}

function positive(text: string, locator: string, code: 'InvalidScaleFactor' | 'InvalidExtent'): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw wcsException(code, `${locator}: '${text}' must be a number greater than zero`, locator);
  return n;
}

function integer(text: string, locator: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw wcsException('InvalidExtent', `${locator}: '${text}' must be an integer`, locator);
  return Number(text.trim());
}

function scalingOf(extension: XmlTreeNode): { scaling?: Scaling; locator?: string } {
  const kinds = ['ScaleByFactor', 'ScaleAxesByFactor', 'ScaleToSize', 'ScaleToExtent'].flatMap((name) => descendants(extension, name));
  if (kinds.length === 0) return {};
  if (kinds.length > 1) throw invalidParameterValue(kinds[1]!.name, 'A GetCoverage holds at most one scaling element');
  const node = kinds[0]!;
  const locator = node.name;
  switch (node.name) {
    case 'ScaleByFactor':
      return { scaling: { kind: 'factor', factor: positive(requiredText(node, 'scaleFactor'), locator, 'InvalidScaleFactor') }, locator };
    case 'ScaleAxesByFactor':
      return {
        scaling: { kind: 'axes', axes: children(node, 'ScaleAxis').map((a) => ({ axis: requiredText(a, 'axis'), factor: positive(requiredText(a, 'scaleFactor'), locator, 'InvalidScaleFactor') })) },
        locator,
      };
    case 'ScaleToSize':
      return {
        scaling: {
          kind: 'size',
          axes: children(node, 'TargetAxisSize').map((a) => {
            const size = integer(requiredText(a, 'targetSize'), locator);
            if (size < 1) throw wcsException('InvalidExtent', `${locator}: targetSize must be at least 1; got ${size}`, locator);
            return { axis: requiredText(a, 'axis'), size };
          }),
        },
        locator,
      };
    default:
      return {
        scaling: {
          kind: 'extent',
          axes: children(node, 'TargetAxisExtent').map((a) => {
            const low = integer(requiredText(a, 'low'), locator);
            const high = integer(requiredText(a, 'high'), locator);
            if (high < low) throw wcsException('InvalidExtent', `${locator}: high (${high}) is below low (${low})`, locator);
            return { axis: requiredText(a, 'axis'), low, high };
          }),
        },
        locator,
      };
  }
}

function rangeSubsetOf(extension: XmlTreeNode): RangeItem[] | undefined {
  const subset = descendants(extension, 'RangeSubset')[0];
  if (!subset) return undefined;
  const items: RangeItem[] = [];
  for (const item of children(subset, 'RangeItem')) {
    const component = child(item, 'RangeComponent');
    const interval = child(item, 'RangeInterval');
    if (component) items.push({ kind: 'component', name: component.text.trim() });
    else if (interval) items.push({ kind: 'interval', start: requiredText(interval, 'startComponent'), end: requiredText(interval, 'endComponent') });
    else throw missingParameterValue('RangeItem', 'A RangeItem holds a RangeComponent or a RangeInterval');
  }
  if (items.length === 0) throw missingParameterValue('RangeItem', 'A RangeSubset holds at least one RangeItem');
  return items;
}

function textOf(extension: XmlTreeNode | undefined, name: string): string | undefined {
  if (!extension) return undefined;
  const found = descendants(extension, name)[0];
  return found?.text.trim() || undefined;
}

function interpolationOf(extension: XmlTreeNode): string | undefined {
  const methods = new Set([...descendants(extension, 'globalInterpolation'), ...descendants(extension, 'interpolationMethod')].map((n) => n.text.trim()).filter((t) => t !== ''));
  if (methods.size > 1) throw wcsException('InterpolationMethodNotSupported', `One interpolation method applies to every axis here; got ${[...methods].join(', ')}`, 'interpolation');
  return methods.size === 1 ? [...methods][0] : undefined;
}

function geotiffOf(extension: XmlTreeNode | undefined): GeoTiffParameters {
  const params = extension ? descendants(extension, 'parameters').find((p) => p.namespace === WCS_NS.geotiff) ?? extension : undefined;
  const read = (name: string) => (params ? children(params, name)[0]?.text.trim() : undefined);
  return { compression: read('compression'), predictor: read('predictor'), interleave: read('interleave'), tiling: read('tiling'), tileWidth: read('tilewidth'), tileHeight: read('tileheight') };
}

export function xmlHead(root: XmlTreeNode): RequestHead {
  const acceptVersions = child(root, 'AcceptVersions');
  const versions = acceptVersions ? children(acceptVersions, 'Version').map((v) => v.text.trim()) : undefined;
  return {
    binding: 'xml',
    operation: root.name,
    service: root.attrs.service,
    version: root.attrs.version,
    acceptVersions: versions,
    knownNamespace: root.namespace === WCS_NS.wcs || root.namespace === WCS_NS.wcseo,
    root,
    parse(operation): WcsRequest {
      switch (operation) {
        case 'GetCapabilities':
          return { operation, ...getCapabilitiesOfXml(root) };
        case 'DescribeCoverage': {
          const ids = children(root, 'CoverageId').map((c) => c.text.trim()).filter((t) => t !== '');
          if (ids.length === 0) throw wcsException('EmptyCoverageIdList', 'DescribeCoverage needs at least one wcs:CoverageId', 'CoverageId');
          return { operation, coverageIds: ids };
        }
        case 'GetCoverage': {
          const ids = children(root, 'CoverageId').map((c) => c.text.trim()).filter((t) => t !== '');
          if (ids.length === 0) throw missingParameterValue('CoverageId', 'GetCoverage needs a wcs:CoverageId');
          if (ids.length > 1) throw invalidParameterValue('CoverageId', 'GetCoverage takes exactly one wcs:CoverageId');
          const extension = child(root, 'Extension');
          const scale = extension ? scalingOf(extension) : {};
          return {
            operation,
            coverageId: ids[0]!,
            subsets: dimensionSubsets(root),
            format: child(root, 'format')?.text.trim() || undefined,
            mediaType: child(root, 'mediaType')?.text.trim() || undefined,
            subsettingCrs: textOf(extension, 'subsettingCrs'),
            outputCrs: textOf(extension, 'outputCrs'),
            scaling: scale.scaling,
            scalingLocator: scale.locator,
            rangeSubset: extension ? rangeSubsetOf(extension) : undefined,
            interpolation: extension ? interpolationOf(extension) : undefined,
            geotiff: geotiffOf(extension),
          };
        }
        case 'DescribeEOCoverageSet': {
          const ids = children(root, 'eoId').map((c) => c.text.trim()).filter((t) => t !== '');
          if (ids.length === 0) throw missingParameterValue('eoId', 'DescribeEOCoverageSet needs a wcseo:eoId');
          const sections = child(root, 'Sections');
          const countText = root.attrs.count;
          if (countText !== undefined && !/^\s*\d+\s*$/.test(countText)) throw invalidParameterValue('count', `count must be a non-negative integer; got '${countText}'`);
          return {
            operation,
            eoIds: ids,
            containment: child(root, 'containment')?.text.trim() || undefined,
            count: countText === undefined ? undefined : Number(countText),
            sections: sections ? children(sections, 'Section').map((s) => s.text.trim()) : undefined,
            subsets: dimensionSubsets(root),
          };
        }
      }
    },
  };
}
