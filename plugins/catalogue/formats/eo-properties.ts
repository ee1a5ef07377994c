/**
 * EO properties the record model has no column for travel in `record.properties` under their
 * OGC 17-003 names, flat ('operationalMode', 'relativeOrbitNumber', 'illuminationAzimuthAngle'),
 * so every format reads and writes them by one name: the 17-003 encoder puts each back where
 * 17-003 nests it, the STAC encoder maps the ones STAC has to their extension fields.
 */

/** 17-003 acquisitionParameters members kept flat under the same name (model fields excluded). */
export const ACQUISITION_PARAMETER_KEYS = [
  'acquisitionSubType', 'startTimeFromAscendingNode', 'completionTimeFromAscendingNode', 'relativeOrbitNumber',
  'wrsLongitude', 'wrsLatitude', 'tileId', 'groundTrackUncertainty', 'cycleNumber', 'antennaLookDirection',
  'acquisitionStation', 'operationalMode', 'swathIdentifier', 'polarisationMode', 'verticalResolution', 'waveLengths',
  'measurementType', 'dopplerFrequency', 'samplingRates', 'highestLocation', 'lowestLocation', 'locationUnit',
  'lastOrbitDirection', 'orbitDuration', 'ascendingNodeDate', 'ascendingNodeLongitude', 'lastOrbitNumber',
] as const;

/** 17-003 acquisitionAngles members (under acquisitionParameters), flat under the same name. */
export const ACQUISITION_ANGLE_KEYS = [
  'illuminationAzimuthAngle', 'illuminationZenithAngle', 'illuminationElevationAngle', 'incidenceAngle',
  'minimumIncidenceAngle', 'maximumIncidenceAngle', 'incidenceAngleVariation', 'acrossTrackIncidenceAngle',
  'alongTrackIncidenceAngle', 'instrumentAzimuthAngle', 'instrumentZenithAngle', 'instrumentElevationAngle',
  'pitch', 'roll', 'yaw',
] as const;

/** 17-003 productInformation members (with its processing and coverage parts), flat (model fields excluded). */
export const PRODUCT_INFORMATION_KEYS = [
  'size', 'productVersion', 'statusSubType', 'qualityInformation', 'statusDetail', 'availabilityTime', 'timeliness',
  'productGroupId', 'archivingCenter', 'referenceSystemIdentifier', 'archivingDate', 'processorName',
  'processorVersion', 'processingCenter', 'processingDate', 'processingMode', 'compositeType', 'format',
  'productContentsType', 'processingMethod', 'processingMethodVersion',
] as const;

/** Flat name of 17-003 platform/instrument members other than the model's. */
export const PLATFORM_KEYS = { id: 'platformId', orbitType: 'orbitType' } as const;
export const INSTRUMENT_KEYS = { id: 'instrumentId', description: 'instrumentDescription' } as const;

/** Acquisition times, kept flat only when they differ from the record's time (17-003 `date`). */
export const ACQUISITION_TIME_KEYS = ['beginningDateTime', 'endingDateTime'] as const;

/** Every flat key above: the 17-003 encoder nests them, so they are not copied as plain properties. */
export const NESTED_KEYS: ReadonlySet<string> = new Set<string>([
  ...ACQUISITION_PARAMETER_KEYS,
  ...ACQUISITION_TIME_KEYS,
  ...ACQUISITION_ANGLE_KEYS,
  ...PRODUCT_INFORMATION_KEYS,
  ...Object.values(PLATFORM_KEYS),
  ...Object.values(INSTRUMENT_KEYS),
]);

/** STAC extension fields -> the flat 17-003 name they are kept under (and back). */
export const STAC_TO_FLAT: Readonly<Record<string, string>> = {
  'sar:instrument_mode': 'operationalMode',
  'sci:doi': 'doi',
  'processing:facility': 'processingCenter',
  'processing:lineage': 'lineage',
  'sat:relative_orbit': 'relativeOrbitNumber',
  'view:sun_azimuth': 'illuminationAzimuthAngle',
  'view:sun_elevation': 'illuminationElevationAngle',
  'view:incidence_angle': 'incidenceAngle',
  'view:azimuth': 'instrumentAzimuthAngle',
};
export const FLAT_TO_STAC: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(STAC_TO_FLAT).map(([k, v]) => [v, k]));
