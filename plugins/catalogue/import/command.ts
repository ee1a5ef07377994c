/** `meridian catalogue import`: the declaration only; cli.ts is loaded when it runs. */
import type { PluginCommand } from '../../../core/plugin.js';

export const importCommand: PluginCommand = {
  name: 'catalogue import',
  description: 'import STAC catalogs, collections and items, ISO 19139/19115-3, OGC 17-003 GeoJSON and GeoTIFFs (COGs) from a file, a directory (recursively) or a URL',
  arguments: [{ name: '<source>', description: 'a file, a directory or an http(s) URL' }],
  options: [
    { flags: '--collection <id>', description: 'collection for products that name none' },
    { flags: '--create-collection', description: 'create the collection when it does not exist (extent from the imported products)' },
    { flags: '--concurrency <n>', description: 'sources read at once', type: 'integer', default: 4 },
    { flags: '--batch-size <n>', description: 'records per transaction', type: 'integer', default: 500 },
    { flags: '--report <file>', description: 'write each rejected source or record and the totals there, as JSON lines' },
    { flags: '--json', description: 'print the rejections and the totals as JSON lines on stdout (no progress bar)' },
    { flags: '--resume', description: 'skip sources imported before and unchanged since (size and mtime, ETag or Last-Modified)' },
  ],
  help: [
    'Every source is read through the catalogue\'s metadata formats; GeoTIFFs become products (footprint,',
    'time and properties from the file header). STAC child/item links are followed, relative ones against',
    'the document. Bad records are rejected one by one and the good ones kept.',
    '',
    'Exit status: 0 all imported; 1 some sources or records were rejected, or the import failed;',
    '2 invalid config; 130 interrupted (what was written is whole batches; --resume continues).',
  ].join('\n'),
  async run(invocation) {
    const { runImportCommand } = await import('./cli.js');
    return runImportCommand(invocation);
  },
};
