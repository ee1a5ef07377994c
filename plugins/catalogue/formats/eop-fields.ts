/**
 * The EOP (OGC 10-157r4) elements that map one to one to a catalogue record field or to a flat
 * property under its OGC 17-003 name, in the order the schema sequences them: the reader and
 * the writer walk the same tables, so what one writes the other reads back.
 */

/** How a value is written: text, an integer, an xs:dateTime, an xs:duration, or a gml:MeasureType with a unit. */
export type FieldKind = 'text' | 'integer' | 'dateTime' | 'duration' | { uom: string };

export interface EopField {
  /** Local name of the element. */
  element: string;
  /** Record field (a model field) or properties key (any other), by its 17-003 name. */
  key: string;
  kind: FieldKind;
  /** Prefix of the element's namespace when it is not eop's ('sar' for sar:polarisationMode). */
  prefix?: string;
  /** Allowed values (XSD enumeration); others are written as "other: value" when `other`, else skipped. */
  values?: readonly string[];
  other?: boolean;
}

const deg = { uom: 'deg' };
const ms = { uom: 'ms' };

/** eop:Acquisition members (sar:Acquisition adds SAR_ACQUISITION after them). */
export const ACQUISITION: readonly EopField[] = [
  { element: 'orbitNumber', key: 'orbitNumber', kind: 'integer' },
  { element: 'lastOrbitNumber', key: 'lastOrbitNumber', kind: 'integer' },
  { element: 'orbitDirection', key: 'orbitDirection', kind: 'text', values: ['ASCENDING', 'DESCENDING'] },
  { element: 'wrsLongitudeGrid', key: 'wrsLongitude', kind: 'text' },
  { element: 'wrsLatitudeGrid', key: 'wrsLatitude', kind: 'text' },
  { element: 'ascendingNodeDate', key: 'ascendingNodeDate', kind: 'dateTime' },
  { element: 'ascendingNodeLongitude', key: 'ascendingNodeLongitude', kind: deg },
  { element: 'startTimeFromAscendingNode', key: 'startTimeFromAscendingNode', kind: ms },
  { element: 'completionTimeFromAscendingNode', key: 'completionTimeFromAscendingNode', kind: ms },
  { element: 'orbitDuration', key: 'orbitDuration', kind: ms },
  { element: 'illuminationAzimuthAngle', key: 'illuminationAzimuthAngle', kind: deg },
  { element: 'illuminationZenithAngle', key: 'illuminationZenithAngle', kind: deg },
  { element: 'illuminationElevationAngle', key: 'illuminationElevationAngle', kind: deg },
  { element: 'instrumentAzimuthAngle', key: 'instrumentAzimuthAngle', kind: deg },
  { element: 'instrumentZenithAngle', key: 'instrumentZenithAngle', kind: deg },
  { element: 'instrumentElevationAngle', key: 'instrumentElevationAngle', kind: deg },
  { element: 'incidenceAngle', key: 'incidenceAngle', kind: deg },
  { element: 'acrossTrackIncidenceAngle', key: 'acrossTrackIncidenceAngle', kind: deg },
  { element: 'alongTrackIncidenceAngle', key: 'alongTrackIncidenceAngle', kind: deg },
  { element: 'pitch', key: 'pitch', kind: deg },
  { element: 'roll', key: 'roll', kind: deg },
  { element: 'yaw', key: 'yaw', kind: deg },
];

const POLARISATION_CHANNELS = ['HV', 'HV, VH', 'VH', 'VV', 'HH, VV', 'HH, VH', 'HH, HV', 'VH, VV', 'VH, HV', 'VV, HV', 'VV, VH', 'UNDEFINED', 'HH', 'HH, HV, VH, VV'];

export const SAR_ACQUISITION: readonly EopField[] = [
  { element: 'polarisationMode', key: 'polarisationMode', kind: 'text', prefix: 'sar', values: ['Q', 'D', 'S', 'T', 'UNDEFINED'], other: true },
  { element: 'polarisationChannels', key: 'polarisationChannels', kind: 'text', prefix: 'sar', values: POLARISATION_CHANNELS, other: true },
  { element: 'antennaLookDirection', key: 'antennaLookDirection', kind: 'text', prefix: 'sar', values: ['LEFT', 'RIGHT'], other: true },
  { element: 'minimumIncidenceAngle', key: 'minimumIncidenceAngle', kind: deg, prefix: 'sar' },
  { element: 'maximumIncidenceAngle', key: 'maximumIncidenceAngle', kind: deg, prefix: 'sar' },
  { element: 'incidenceAngleVariation', key: 'incidenceAngleVariation', kind: deg, prefix: 'sar' },
  { element: 'dopplerFrequency', key: 'dopplerFrequency', kind: { uom: 'Hz' }, prefix: 'sar' },
];

/** eop:ProcessingInformation members. */
export const PROCESSING: readonly EopField[] = [
  { element: 'processingCenter', key: 'processingCenter', kind: 'text' },
  { element: 'processingDate', key: 'processingDate', kind: 'dateTime' },
  { element: 'compositeType', key: 'compositeType', kind: 'duration' },
  { element: 'method', key: 'processingMethod', kind: 'text' },
  { element: 'methodVersion', key: 'processingMethodVersion', kind: 'text' },
  { element: 'processorName', key: 'processorName', kind: 'text' },
  { element: 'processorVersion', key: 'processorVersion', kind: 'text' },
  { element: 'processingLevel', key: 'processingLevel', kind: 'text', values: ['3', '2', '1A', '1B'], other: true },
  { element: 'nativeProductFormat', key: 'format', kind: 'text' },
  { element: 'processingMode', key: 'processingMode', kind: 'text' },
];

export const SENSOR_TYPES = ['LIMB', 'RADAR', 'OPTICAL', 'ALTIMETRIC', 'ATMOSPHERIC'];
export const ACQUISITION_TYPES = ['OTHER', 'CALIBRATION', 'NOMINAL'];
export const STATUSES = ['REJECTED', 'POTENTIAL', 'PLANNED', 'FAILED', 'CANCELLED', 'ACQUIRED', 'ARCHIVED', 'QUALITYDEGRADED'];

/**
 * A value for an enumerated EOP element: itself when allowed, "other: value" where the schema
 * allows that form (word characters only), undefined when it cannot be written.
 */
export function enumerated(value: string, values: readonly string[] | undefined, other = false): string | undefined {
  if (!values || values.includes(value)) return value;
  const upper = value.toUpperCase();
  if (values.includes(upper)) return upper;
  if (!other) return undefined;
  const word = value.replace(/\W+/g, '_');
  return word.length >= 2 ? `other: ${word}` : undefined;
}

/** The value an "other: value" enumeration stands for. */
export function unenumerated(value: string): string {
  return value.replace(/^other:\s*/, '');
}
