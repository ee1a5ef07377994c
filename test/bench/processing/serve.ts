// The processing benchmark's server, in a child process of its own so that its CPU time (and the
// tools its jobs run, reaped by it) is accounted apart from the benchmark's client: a test server
// with the processing and ades plugins, from the inline config in argv[2] (JSON), an admin API key
// whose id and secret the parent chose, and the input raster of the built-in jobs in the blob store.
// Talks to the parent over IPC: {type: 'ready', url} once listening; {type: 'close'} closes it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { insertApiKey } from '../../../core/auth/api-keys.js';
import { startTestServer } from '../../helpers/server.js';

export interface ServeArgs {
  inline: Record<string, unknown>;
  keyId: string;
  keySecret: string;
  /** The raster stored as blob `workspaces/bench/tiny.tif`. */
  cog: string;
}

const PLUGINS = fileURLToPath(new URL('../../../plugins/', import.meta.url));

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]!) as ServeArgs;
  const server = await startTestServer(args.inline, { builtinDir: PLUGINS });
  await insertApiKey(server.meridian.stores.db, { user: 'bench', groups: ['admin'] }, args.keyId, args.keySecret);
  await server.meridian.stores.blobs.put('workspaces/bench/tiny.tif', readFileSync(args.cog), { contentType: 'image/tiff' });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'close') void server.close().finally(() => process.send!({ type: 'closed' }, () => process.exit(0)));
  });
  process.send!({ type: 'ready', url: server.url });
}

main().catch((err: unknown) => {
  process.send!({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) }, () => process.exit(1));
});
