/**
 * The EO properties the engine keeps in a column of their own, each named as OpenSearch EO
 * (OGC 13-026r9) names its parameter: one table that the migrations, the row writer, the
 * queryables and the record checks all read, so a field is declared once.
 *
 * `since` is the migration that added the column: '001' for the first set (created by
 * 001-records), '004' for the fields 004-eo-queryables adds to deployed catalogues.
 */
import type { EoProperties } from './types.js';

export type EoFieldType = 'string' | 'number' | 'integer' | 'timestamp' | 'boolean';

export interface EoFieldSpec {
  name: keyof EoProperties & string;
  column: string;
  type: EoFieldType;
  description: string;
  /** Enumerable: facets() counts its values (OpenSearch lists them as options). */
  facet?: boolean;
  /** Searched often enough for an index (a partial one, over the rows that have a value). */
  indexed?: boolean;
  /** Bounds a stored value must keep (numbers). */
  min?: number;
  max?: number;
  since: '001' | '004';
}

const f = (name: EoFieldSpec['name'], column: string, type: EoFieldType, description: string, o: Partial<Pick<EoFieldSpec, 'facet' | 'indexed' | 'min' | 'max'>> = {}, since: EoFieldSpec['since'] = '004'): EoFieldSpec => ({
  name,
  column,
  type,
  description,
  since,
  ...o,
});
const first = (name: EoFieldSpec['name'], column: string, type: EoFieldType, description: string, o: Partial<Pick<EoFieldSpec, 'facet' | 'indexed' | 'min' | 'max'>> = {}) => f(name, column, type, description, o, '001');

/** Integer columns are 32-bit on PostgreSQL. */
const MAX_INTEGER = 2_147_483_647;
const facet = { facet: true };
const indexedFacet = { facet: true, indexed: true };
const angle = (min: number, max: number, indexed = false) => ({ min, max, indexed });

export const EO_FIELDS: readonly EoFieldSpec[] = [
  // Columns of 001-records (the first EO set).
  first('platform', 'platform', 'string', 'Platform (satellite) short name', facet),
  first('instrument', 'instrument', 'string', 'Instrument short name', facet),
  first('sensorType', 'sensor_type', 'string', 'Sensor type (OPTICAL, RADAR, ALTIMETRIC, ATMOSPHERIC, LIMB)', facet),
  first('productType', 'product_type', 'string', 'Product type', facet),
  first('processingLevel', 'processing_level', 'string', 'Processing level', facet),
  first('orbitNumber', 'orbit_number', 'integer', 'Acquisition orbit number', { min: 0, max: MAX_INTEGER }),
  first('orbitDirection', 'orbit_direction', 'string', 'Orbit direction (ASCENDING, DESCENDING)', facet),
  first('cloudCover', 'cloud_cover', 'number', 'Cloud cover percentage (0-100)', { min: 0, max: 100 }),
  first('snowCover', 'snow_cover', 'number', 'Snow cover percentage (0-100)', { min: 0, max: 100 }),
  first('resolution', 'resolution', 'number', 'Spatial resolution in metres'),
  first('polarisationChannels', 'polarisation_channels', 'string', 'Polarisation channels (HH, HV, VV...)', facet),
  first('acquisitionType', 'acquisition_type', 'string', 'Acquisition type (NOMINAL, CALIBRATION, OTHER)', facet),
  first('status', 'status', 'string', 'Status (ARCHIVED, ACQUIRED, CANCELLED...)', facet),
  first('creationDate', 'creation_date', 'timestamp', 'Creation date of the metadata'),
  first('modificationDate', 'modification_date', 'timestamp', 'Modification date of the metadata'),
  // 13-026r9 collection parameters (its tables 3 and 4).
  f('platformSerialIdentifier', 'platform_serial_identifier', 'string', 'Platform serial identifier (A, B...)', indexedFacet),
  f('doi', 'doi', 'string', 'Digital Object Identifier of the resource', { indexed: true }),
  f('compositeType', 'composite_type', 'string', 'Period a composite product covers, as an ISO 8601 duration (P10D)', facet),
  f('orbitType', 'orbit_type', 'string', 'Platform orbit type (LEO, GEO)', facet),
  f('spectralRange', 'spectral_range', 'string', 'Sensor spectral range (VISIBLE, NIR, SWIR, INFRARED, MICROWAVE...)', facet),
  f('minimumWavelength', 'minimum_wavelength', 'number', 'Shortest wavelength the sensor observes, in nanometres', { min: 0 }),
  f('maximumWavelength', 'maximum_wavelength', 'number', 'Longest wavelength the sensor observes, in nanometres', { min: 0 }),
  f('hasSecurityConstraints', 'has_security_constraints', 'boolean', 'Whether the resource has security constraints'),
  f('dissemination', 'dissemination', 'string', 'Dissemination method (EUMETCast, DataCentre...)', facet),
  f('topicCategory', 'topic_category', 'string', 'Main ISO topic category of the resource', facet),
  f('organisationName', 'organisation_name', 'string', 'Organisation responsible for the resource', indexedFacet),
  f('organisationRole', 'organisation_role', 'string', 'Role of that organisation (originator, distributor, pointOfContact...)', facet),
  f('publicationDate', 'publication_date', 'timestamp', 'When the resource was published'),
  f('lineage', 'lineage', 'string', 'Lineage of the resource'),
  f('useLimitation', 'use_limitation', 'string', 'Limitation on the use of the resource'),
  f('accessConstraint', 'access_constraint', 'string', 'Access constraint (ISO MD_RestrictionCode: license, copyright, otherRestrictions...)', facet),
  f('otherConstraint', 'other_constraint', 'string', 'Other restrictions on accessing or using the resource'),
  f('classification', 'classification', 'string', 'Security classification (unclassified, restricted, confidential, secret, topSecret)', facet),
  f('language', 'language', 'string', 'Language of the metadata', facet),
  f('specification', 'specification', 'string', 'Title of a specification the resource conforms to', facet),
  // 13-026r9 product parameters (its table 5).
  f('track', 'track', 'string', 'Orbit track (path, relative orbit) of the acquisition', indexedFacet),
  f('frame', 'frame', 'string', 'Orbit frame (row) of the acquisition', indexedFacet),
  f('swathIdentifier', 'swath_identifier', 'string', 'Swath identifier (IW, EW, I1...)', indexedFacet),
  f('lowestLocation', 'lowest_location', 'number', 'Bottom height of the data layer (in the unit its metadata gives, metres by default)'),
  f('highestLocation', 'highest_location', 'number', 'Top height of the data layer (in the unit its metadata gives, metres by default)'),
  f('productVersion', 'product_version', 'string', 'Version of the product', facet),
  f('productQualityStatus', 'product_quality_status', 'string', 'Quality status (NOMINAL, DEGRADED)', indexedFacet),
  f('productQualityDegradationTag', 'product_quality_degradation_tag', 'string', 'What degrades the product quality (RADIOMETRY, GEOLOCATION...)', facet),
  f('processorName', 'processor_name', 'string', 'Name of the processor software', facet),
  f('processingCenter', 'processing_center', 'string', 'Processing centre', facet),
  f('processingDate', 'processing_date', 'timestamp', 'When the product was processed', { indexed: true }),
  f('sensorMode', 'sensor_mode', 'string', 'Sensor (operational) mode', indexedFacet),
  f('archivingCenter', 'archiving_center', 'string', 'Archiving centre', facet),
  f('processingMode', 'processing_mode', 'string', 'Processing mode (NRT, OFFLINE, REPROCESSING...)', facet),
  // 13-026r9 acquisition parameters (its table 6).
  f('availabilityTime', 'availability_time', 'timestamp', 'When the product became available', { indexed: true }),
  f('acquisitionStation', 'acquisition_station', 'string', 'Station that received the acquisition', facet),
  f('acquisitionSubType', 'acquisition_sub_type', 'string', 'Acquisition sub-type', facet),
  f('startTimeFromAscendingNode', 'start_time_from_ascending_node', 'integer', 'Start of the acquisition, in milliseconds from the ascending node', { min: 0, max: MAX_INTEGER }),
  f('completionTimeFromAscendingNode', 'completion_time_from_ascending_node', 'integer', 'End of the acquisition, in milliseconds from the ascending node', { min: 0, max: MAX_INTEGER }),
  f('illuminationAzimuthAngle', 'illumination_azimuth_angle', 'number', 'Mean solar azimuth angle, in degrees', angle(0, 360, true)),
  f('illuminationZenithAngle', 'illumination_zenith_angle', 'number', 'Mean solar zenith angle, in degrees', angle(0, 180, true)),
  f('illuminationElevationAngle', 'illumination_elevation_angle', 'number', 'Mean solar elevation angle, in degrees', angle(-90, 90, true)),
  f('polarisationMode', 'polarisation_mode', 'string', 'Polarisation mode (S, D, T, Q, UNDEFINED)', indexedFacet),
  f('antennaLookDirection', 'antenna_look_direction', 'string', 'Antenna look direction (LEFT, RIGHT)', facet),
  f('minimumIncidenceAngle', 'minimum_incidence_angle', 'number', 'Minimum incidence angle, in degrees', angle(-90, 90, true)),
  f('maximumIncidenceAngle', 'maximum_incidence_angle', 'number', 'Maximum incidence angle, in degrees', angle(-90, 90, true)),
  f('incidenceAngleVariation', 'incidence_angle_variation', 'number', 'Incidence angle variation, in degrees', angle(-180, 180)),
  f('dopplerFrequency', 'doppler_frequency', 'number', 'Doppler frequency of the acquisition, in hertz'),
];

/** The fields 004-eo-queryables added (kept in `properties` under their 17-003 names before). */
export const ADDED_EO_FIELDS: readonly EoFieldSpec[] = EO_FIELDS.filter((s) => s.since === '004');

/** Names of every field of the table. */
export const EO_FIELD_NAMES: ReadonlySet<string> = new Set(EO_FIELDS.map((s) => s.name));

export function eoFieldSpec(name: string): EoFieldSpec | undefined {
  return EO_FIELDS.find((s) => s.name === name);
}

/** Whether `value` is one the field stores (a finite number, an integer, text, a boolean, an instant). */
export function fitsEoField(spec: EoFieldSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' && value !== '';
    case 'boolean':
      return typeof value === 'boolean';
    case 'timestamp':
      return typeof value === 'string' && Number.isFinite(Date.parse(value));
    case 'integer':
      return Number.isInteger(value) && (spec.min === undefined || (value as number) >= spec.min) && (spec.max === undefined || (value as number) <= spec.max);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
  }
}
