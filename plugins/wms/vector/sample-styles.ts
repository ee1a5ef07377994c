/**
 * The default of config `vectorStyles`: styles for the sample collections the features engine
 * loads on a first start (plugins/features/sample-data.ts), so `npm start` draws rivers as blue
 * lines and cities as symbols labelled with their names. The countries sample keeps the default
 * polygon style. A config that sets `vectorStyles` replaces these (copy them to keep them).
 */
import type { VectorStyleConfig } from './style-config.js';

const HALO = { color: '#ffffff', width: 2 };

export const SAMPLE_VECTOR_STYLES: Record<string, VectorStyleConfig[]> = {
  rivers: [
    {
      name: 'default',
      title: 'Rivers',
      abstract: 'Rivers and lake centerlines as blue lines, wider at larger scales',
      rules: [
        { title: 'Rivers', minScale: 20_000_000, stroke: { color: '#1f78b4', width: 1 } },
        { title: 'Rivers', maxScale: 20_000_000, stroke: { color: '#1f78b4', width: 1.8 } },
      ],
    },
  ],
  populated_places: [
    {
      name: 'default',
      title: 'Cities by population',
      abstract: 'Capitals as stars, cities of a million or more as larger circles; names of the large cities at every scale and of the others at 1:5,000,000 and larger scales',
      rules: [
        { title: 'Capital', filter: "feature_code = 'PPLC'", point: { shape: 'star', size: 11, fill: { color: '#b2182b' }, stroke: { color: '#ffffff', width: 0.8 } }, label: { property: 'name', size: 11, color: '#202020', halo: HALO } },
        { title: '1,000,000 inhabitants or more', filter: "feature_code <> 'PPLC' AND population >= 1000000", point: { shape: 'circle', size: 7, fill: { color: '#d6604d' }, stroke: { color: '#ffffff', width: 0.8 } }, label: { property: 'name', size: 11, color: '#202020', halo: HALO } },
        { title: '100,000 to 1,000,000 inhabitants', filter: "feature_code <> 'PPLC' AND population < 1000000", point: { shape: 'circle', size: 4, fill: { color: '#f4a582' }, stroke: { color: '#67001f', width: 0.5 } } },
        { title: 'Names', filter: "feature_code <> 'PPLC' AND population < 1000000", maxScale: 5_000_000, label: { property: 'name', size: 10, color: '#303030', halo: HALO } },
      ],
    },
  ],
};
