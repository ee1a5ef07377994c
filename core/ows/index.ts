/** The OWS toolkit shared by the OGC plugins (WMS, WMTS, WCS, WFS, CSW, WPS, OGC APIs). */

// Exceptions and their encoders (each encoder is a plugin ErrorEncoder).
export {
  OwsException,
  OWS_EXCEPTION_STATUS,
  isStandardExceptionCode,
  statusOfExceptionCode,
  missingParameterValue,
  invalidParameterValue,
  operationNotSupported,
  optionNotSupported,
  versionNegotiationFailed,
  type OwsExceptionCode,
  type OwsExceptionOptions,
  type StandardExceptionCode,
} from './exceptions.js';
export { describeError, type ExceptionDescription } from './encoders/describe.js';
export { owsErrorEncoder, owsExceptionReportXml, type OwsCommonVersion, type OwsReportOptions } from './encoders/ows-report.js';
export { wmsErrorEncoder, wmsExceptionReportXml, type WmsReportOptions, type WmsVersion } from './encoders/wms-report.js';
export { problemDocument, problemJsonEncoder, type ProblemDocument, type ProblemJsonOptions } from './encoders/problem-json.js';
export { operationPipelines, sendOwsResponse, type OwsResponse } from './response.js';
export { getCapabilitiesOfXml, type XmlGetCapabilitiesParameters } from './capabilities/request-xml.js';

// Requests: KVP, versions, bounding boxes, time.
export { parseKvp, KvpParams, type KvpEntry, type KvpOptions, type NumberOptions, type RepeatedParameterPolicy } from './kvp.js';
export { compareVersions, isVersionString, negotiateAcceptVersions, negotiateWmsVersion, requireSupportedVersion } from './version.js';
export { parseBbox, type ParseBboxOptions, type ParsedBbox } from './bbox.js';
export {
  addDuration,
  expandPeriod,
  parseDuration,
  parseInstant,
  parseTime,
  parseTimeValue,
  timeContains,
  type Duration,
  type ParsedInstant,
  type ParseTimeOptions,
  type TimeInstant,
  type TimeInterval,
  type TimePeriod,
  type TimeResolution,
  type TimeValue,
} from './time.js';

// XML: safe parsing and writing.
export { DEFAULT_XML_LIMITS, decodeXmlInput, xmlRejected, type SafeXmlOptions, type XmlErrorOptions, type XmlLimits } from './xml/input.js';
export { assertSafeXml } from './xml/guard.js';
export { parseXmlFast, type FastXmlOptions, type FastXmlParserOptions } from './xml/parse-fast.js';
export { loadXmlSchema, parseXmlDocument, selectNodes, xmlSchemaErrors, type XmlDocument, type XmlDomElement } from './xml/libxml.js';
export { parseXmlElementTree, resolveQName, serializeXmlTreeNode, type XmlTreeNode } from './xml/element-tree.js';
export { el, raw, serializeXml, text, writeXml, type WriteXmlOptions, type XmlAttrs, type XmlChild, type XmlElement, type XmlNode } from './xml/writer.js';
export { escapeXmlAttr, escapeXmlText, stripIllegalXmlChars } from './xml/escape.js';
export { NS, SCHEMA_LOCATION } from './xml/namespaces.js';

// Capabilities.
export * from './capabilities.js';

// CRS.
export { crsUri, crsUrn, parseCrsIdentifier, shortCrsId, type CrsAuthority, type CrsIdentifierForm, type ParsedCrsIdentifier } from './crs/identifiers.js';
export { knownCrsIds, lookupCrs, requireCrs, resolveCrs, type CrsDefinition, type CrsKind, type CrsReference, type RequireCrsOptions } from './crs/registry.js';
export { fromXyOrder, needsAxisSwap, toXyOrder, type AxisOrderContext } from './crs/axis.js';
export { transformBbox, transformPoint, transformPoints, type BboxTransformOptions, type CrsInput, type TransformOptions, type XyBbox, type XyPoint } from './crs/transform.js';
export { effectiveProj4, missingGrids, registerGrid, registerGridDirectory } from './crs/proj.js';
