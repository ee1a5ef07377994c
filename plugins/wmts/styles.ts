/** A layer's WMTS styles: the coverage's styles by name, or one `default` style when it has none. */
import { invalidParameterValue } from '../../core/ows/index.js';
import type { CoverageDescription } from '../coverages/types.js';

export interface WmtsStyle {
  /** ows:Identifier, the Style parameter's value. */
  identifier: string;
  title: string;
  abstract?: string;
  isDefault: boolean;
  /** The style name to give the engine; undefined for its default. */
  engineStyle?: string;
}

/** What clients call a layer's style when they know none (Leaflet, many configs). */
export const DEFAULT_STYLE_ALIAS = 'default';

export function styleIdentifiers(layer: Pick<CoverageDescription, 'styles'>): WmtsStyle[] {
  if (layer.styles.length === 0) return [{ identifier: DEFAULT_STYLE_ALIAS, title: 'Default', isDefault: true }];
  // Exactly one default: the one flagged, else the first.
  const flagged = layer.styles.findIndex((s) => s.default);
  const defaultIndex = flagged >= 0 ? flagged : 0;
  return layer.styles.map((s, i) => ({ identifier: s.name, title: s.title, abstract: s.abstract, isDefault: i === defaultIndex, engineStyle: s.name }));
}

/** The style a request names: its identifier, or the default for '' (and for `default` when no style has that name). */
export function resolveStyle(layer: Pick<CoverageDescription, 'id' | 'styles'>, requested: string): WmtsStyle {
  const styles = styleIdentifiers(layer);
  const named = styles.find((s) => s.identifier === requested);
  if (named) return named;
  if (requested === '' || requested === DEFAULT_STYLE_ALIAS) return styles.find((s) => s.isDefault)!;
  throw invalidParameterValue('Style', `Layer '${layer.id}' has no style '${requested}'; its styles are ${styles.map((s) => s.identifier).join(', ')}`);
}
