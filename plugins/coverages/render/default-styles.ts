/** Styles for a coverage whose config gives none, chosen from what its bands say they are. */
import type { BandDescription, StyleDescription } from '../types.js';
import { knownRange } from './resolve-style.js';
import type { BandStretch, RampStyleConfig, StyleConfig } from './style-config.js';

/** Percentiles used when a band's range is not known: cuts outliers, as most viewers do. */
const defaultPercentile: [number, number] = [2, 98];

/**
 * - red, green and blue bands (by colour interpretation), or 3+ bands: 'rgb' (first three);
 * - otherwise the first band: 'greys' for gray or 8-bit data, else 'viridis'; an elevation-like
 *   band (unit m/ft, or a name like elevation, height, DEM) gets 'terrain', 'hillshade' and
 *   'shaded-relief' instead.
 * Ranges are the bands' known ones (0-255 for 8-bit), else the 2-98 percentiles.
 */
export function defaultStyles(bands: BandDescription[]): StyleConfig[] {
  const data = bands.map((b, i) => ({ band: b, ref: i + 1 })).filter(({ band }) => band.colorInterpretation !== 'alpha');
  if (data.length === 0) return [];
  const byColor = (c: string) => data.find(({ band }) => band.colorInterpretation === c);
  const [r, g, b] = [byColor('red'), byColor('green'), byColor('blue')];
  const rgb = r && g && b ? [r, g, b] : data.length >= 3 ? data.slice(0, 3) : undefined;
  if (rgb) {
    const allKnown = rgb.every(({ band }) => knownRange(band).min !== undefined);
    const stretch: BandStretch | undefined = allKnown ? undefined : { percentile: defaultPercentile };
    return [
      {
        name: 'rgb',
        title: `Colour composite (${rgb.map(({ band }) => band.name).join(', ')})`,
        type: 'rgb',
        bands: [rgb[0].ref, rgb[1].ref, rgb[2].ref],
        ...(stretch ? { stretch } : {}),
      },
    ];
  }
  const { band, ref } = data[0];
  const range: Pick<RampStyleConfig, 'percentile'> = knownRange(band).min !== undefined ? {} : { percentile: defaultPercentile };
  if (isElevation(band)) {
    return [
      { name: 'terrain', title: `${band.name}: elevation tints`, type: 'ramp', band: ref, ramp: 'terrain', ...range },
      { name: 'hillshade', title: `${band.name}: hillshade`, type: 'hillshade', band: ref },
      { name: 'shaded-relief', title: `${band.name}: shaded relief`, type: 'hillshade', band: ref, ramp: 'terrain', ...range },
    ];
  }
  const ramp = band.colorInterpretation === 'gray' || band.sampleType === 'uint8' ? 'greys' : 'viridis';
  return [{ name: ramp, title: `${band.name}: ${ramp}`, type: 'ramp', band: ref, ramp, ...range }];
}

const elevationUnits = new Set(['m', 'metre', 'meter', 'metres', 'meters', 'ft', 'foot', 'feet', '[ft_i]']);
const elevationWords = /elev|height|altitude|\b(dem|dsm|dtm|srtm|bathymetry|topography)\b/i;

export function isElevation(band: BandDescription): boolean {
  if (band.unit && elevationUnits.has(band.unit.toLowerCase())) return true;
  return elevationWords.test(band.name) || elevationWords.test(band.description ?? '');
}

/** What capabilities documents list: every style, the default one marked (the first unless `defaultName` names another). */
export function describeStyles(styles: StyleConfig[], defaultName?: string): StyleDescription[] {
  const defaultIndex = Math.max(0, defaultName === undefined ? 0 : styles.findIndex((s) => s.name === defaultName));
  return styles.map((s, i) => ({
    name: s.name,
    title: s.title ?? s.name,
    ...(s.abstract !== undefined ? { abstract: s.abstract } : {}),
    default: i === defaultIndex,
  }));
}
