/**
 * What the OGC 17-003r2 JSON schema (ets-eo-geojson10) accepts for each property, so the encoder
 * places a value only where it is valid and moves any other value to `additionalAttributes`
 * (the decoder reads it back from there), keeping every output valid and every round trip whole.
 */

type Check = (v: unknown) => boolean;

const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isInteger: Check = (v) => Number.isInteger(v);
const isCount: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const isPositive: Check = (v) => isNumber(v) && (v as number) > 0;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
export const isDateTime: Check = (v) => typeof v === 'string' && RFC3339.test(v) && Number.isFinite(Date.parse(v));
export const isUri: Check = (v) => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:\S*$/.test(v);
const isObjectValue: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const WAVELENGTH_KEYS = new Set(['type', 'discreteWavelengths', 'endWavelength', 'spectralRange', 'startWavelength', 'wavelengthResolution']);
const isWavelengths: Check = (v) => Array.isArray(v) && v.length > 0 && v.every((w) => isObjectValue(w) && Object.keys(w as object).length > 0 && Object.keys(w as object).every((k) => WAVELENGTH_KEYS.has(k)));

export const STATUSES = ['ARCHIVED', 'PLANNED', 'ACQUIRED', 'CANCELLED', 'FAILED', 'POTENTIAL', 'REJECTED', 'QUALITYDEGRADED'];

/** Schema check per property name (model fields and the flat names of eo-properties.ts). */
export const VALID: Record<string, Check> = {
  status: oneOf(...STATUSES),
  processingLevel: oneOf('1A', '1B', '1C', '2', '3'),
  acquisitionType: oneOf('NOMINAL', 'CALIBRATION', 'OTHER'),
  sensorType: oneOf('OPTICAL', 'RADAR', 'ATMOSPHERIC', 'ALTIMETRIC', 'LIMB'),
  orbitDirection: oneOf('ASCENDING', 'DESCENDING'),
  lastOrbitDirection: oneOf('ASCENDING', 'DESCENDING'),
  orbitType: oneOf('GEO', 'LEO'),
  antennaLookDirection: oneOf('LEFT', 'RIGHT'),
  polarisationMode: oneOf('S', 'D', 'T', 'Q', 'UNDEFINED'),
  measurementType: oneOf('ABSORPTION', 'EMISSION'),
  locationUnit: oneOf('bar', 'm'),
  statusSubType: oneOf('ON-LINE', 'OFF-LINE'),
  orbitNumber: isCount,
  startTimeFromAscendingNode: isCount,
  completionTimeFromAscendingNode: isCount,
  cycleNumber: isCount,
  relativeOrbitNumber: isInteger,
  orbitDuration: isInteger,
  size: isInteger,
  dopplerFrequency: isPositive,
  samplingRates: (v) => Array.isArray(v) && v.every(isPositive),
  waveLengths: isWavelengths,
  qualityInformation: isObjectValue,
  ascendingNodeDate: isDateTime,
  beginningDateTime: isDateTime,
  endingDateTime: isDateTime,
  availabilityTime: isDateTime,
  archivingDate: isDateTime,
  processingDate: isDateTime,
  created: isDateTime,
  published: isDateTime,
  lang: (v) => typeof v === 'string' && v.length >= 2 && v.length <= 3,
  platformId: isUri,
  instrumentId: isUri,
};

/** Numbers where the schema wants numbers; everything else in the tables is a string. */
const NUMBERS = new Set([
  'groundTrackUncertainty', 'verticalResolution', 'ascendingNodeLongitude', 'lastOrbitNumber', 'resolution', 'cloudCover', 'snowCover',
  'illuminationAzimuthAngle', 'illuminationZenithAngle', 'illuminationElevationAngle', 'incidenceAngle', 'minimumIncidenceAngle',
  'maximumIncidenceAngle', 'incidenceAngleVariation', 'acrossTrackIncidenceAngle', 'alongTrackIncidenceAngle', 'instrumentAzimuthAngle',
  'instrumentZenithAngle', 'instrumentElevationAngle', 'pitch', 'roll', 'yaw',
]);

/** Whether `value` may stand as `name` in a 17-003 document (unknown names: any string). */
export function validFor(name: string, value: unknown): boolean {
  const check = VALID[name] ?? (NUMBERS.has(name) ? isNumber : isString);
  return check(value);
}
