// After `tsc -p tsconfig.build.json`: copies the files the compiled code reads at run time from
// beside itself (anything under core/, plugins/ and conformance/ that is not TypeScript or a
// README, e.g. the pdp plugin's built-in policies) to the same place under dist/.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let copied = 0;

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (!/\.ts$/.test(entry.name) && entry.name !== 'README.md') {
      const target = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied++;
    }
  }
}

for (const top of ['core', 'plugins', 'conformance']) if (existsSync(join(root, top))) walk(join(root, top));
if (process.env.npm_config_loglevel !== 'silent') process.stdout.write(`copied ${copied} run-time files to dist/\n`);
