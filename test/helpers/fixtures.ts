import { fileURLToPath } from 'node:url';

/** Test plugins (test/fixtures/plugins) that tests load as if they were the built-in ones. */
export const fixturePluginsDir = fileURLToPath(new URL('../fixtures/plugins/', import.meta.url));
