import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A real S3-compatible server for the s3 adapter's tests: moto's standalone server, on a free
 * loopback port. Debian bookworm packages no S3 server (python3-moto is absent from it); moto is
 * found as `moto_server` on PATH or as the python3 module `moto.server`.
 */
export interface LocalS3Server {
  endpoint: string;
  stop(): Promise<void>;
}

export function findMotoCommand(): string[] | undefined {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0) return ['moto_server'];
  if (spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0) return ['python3', '-m', 'moto.server'];
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startMoto(command: string[]): Promise<LocalS3Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(command[0]!, [...command.slice(1), '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  // Bounded wait for the listener: 40 tries, 250 ms apart.
  for (let attempt = 0; attempt < 40; attempt++) {
    if (child.exitCode !== null) throw new Error(`moto server exited early: ${stderr}`);
    try {
      const response = await fetch(`${endpoint}/`);
      await response.arrayBuffer();
      if (response.ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`moto server did not answer on ${endpoint}: ${stderr}`);
}
