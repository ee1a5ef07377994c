/** `meridian wmts seed`: the declaration only; seed-cli.ts is loaded when it runs. */
import type { PluginCommand } from '../../core/plugin.js';

export const seedCommand: PluginCommand = {
  name: 'wmts seed',
  description: "render a layer's tiles of some levels of a tile matrix set into the WMTS tile cache",
  options: [
    { flags: '--layer <id>', description: 'the layer (coverage id)' },
    { flags: '--tile-matrix-set <id>', description: 'the tile matrix set (WebMercatorQuad, WorldCRS84Quad or one of config)' },
    { flags: '--min-zoom <n>', description: 'first level (position in the set, 0 the coarsest)', type: 'integer', default: 0 },
    { flags: '--max-zoom <n>', description: 'last level, inclusive', type: 'integer' },
    { flags: '--bbox <minlon,minlat,maxlon,maxlat>', description: 'only tiles touching this CRS84 box' },
    { flags: '--style <id>', description: "style (the layer's default when absent)" },
    { flags: '--format <mime>', description: 'tile format (the first configured one when absent)' },
    { flags: '--time <value>', description: "Time dimension value (the layer's default when absent)" },
    { flags: '--concurrency <n>', description: 'tiles rendered at once', type: 'integer', default: 2 },
    { flags: '--json', description: 'print the plan and the totals as JSON lines on stdout (no progress bar)' },
  ],
  help: [
    'Tiles already in the cache are kept; tiles outside the data are not stored (GetTile serves the',
    'shared empty tile there). Tiles are stored under the data version GetTile looks for.',
    '',
    'Exit status: 0 seeded; 1 a bad option (unknown layer, set, level...) or a failure; 2 invalid',
    'config; 130 interrupted (the tiles written so far are kept).',
  ].join('\n'),
  async run(invocation) {
    const { runSeedCommand } = await import('./seed-cli.js');
    return runSeedCommand(invocation);
  },
};
