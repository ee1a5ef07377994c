// The raw operation under Meridian's cached tiles: Node's own HTTP server (node:http, the same
// node:cluster sharing of one listener over N processes as Meridian's `server.processes`) answering
// each tile path with the tile's bytes from memory and the headers Meridian sends with a tile
// (Content-Type, Content-Length, ETag, Cache-Control). No routing, auth, logging or metrics: what
// any Node server pays per tile at least, so Meridian's gap to nginx splits into Node's and ours.
//   node --import tsx test/bench/coverages/node-tiles.ts DIR PROCESSES
// serves DIR's files under /tiles/ on a free loopback port and prints one line of JSON
// {"origin": …, "pids": [primary, …workers]} once every process listens.
import cluster from 'node:cluster';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';

const [dir, processesArg] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node-tiles.ts DIR [PROCESSES]\n');
  process.exit(2);
}

function* files(root: string): Generator<string> {
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

if (cluster.isPrimary) {
  const processes = Math.max(1, Number(processesArg ?? 1));
  const workers = Array.from({ length: processes }, () => cluster.fork());
  let port = 0;
  let listening = 0;
  for (const w of workers) {
    w.on('listening', (address) => {
      port = address.port;
      if (++listening === processes) {
        process.stdout.write(`${JSON.stringify({ origin: `http://127.0.0.1:${port}`, pids: [process.pid, ...workers.map((x) => x.process.pid!)] })}\n`);
      }
    });
  }
  const stop = () => {
    for (const w of workers) w.process.kill('SIGTERM');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  type Tile = { body: Buffer; head: string[] };
  const tiles = new Map<string, Tile>();
  for (const file of files(dir)) {
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const type = file.endsWith('.png') ? 'image/png' : file.endsWith('.jpg') || file.endsWith('.jpeg') ? 'image/jpeg' : 'application/octet-stream';
    tiles.set(`/tiles/${relative(dir, file)}`, {
      body,
      head: ['Content-Type', type, 'Content-Length', String(body.length), 'ETag', etag, 'Cache-Control', 'public, max-age=3600'],
    });
  }
  const server = createServer((req, res) => {
    const tile = tiles.get(req.url ?? '');
    if (!tile) {
      res.writeHead(404, ['Content-Length', '0']);
      res.end();
      return;
    }
    res.writeHead(200, tile.head);
    res.end(tile.body);
  });
  server.keepAliveTimeout = 60_000;
  // Port 0 in a cluster worker: the primary binds one port that every worker shares.
  server.listen(0, '127.0.0.1');
}
