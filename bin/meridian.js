#!/usr/bin/env node
// The `meridian` command runs the compiled CLI; `npm run build` (part of `npm start`) makes it.
import { existsSync } from 'node:fs';

const main = new URL('../dist/core/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('meridian: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(main.href);
