// One core-overhead target in a process of its own:
//   node --import tsx test/bench/core-overhead/serve.ts meridian [JWKS_URI] | bare [SPIN_US]
// The benchmark forks it (and asks it for its CPU time over IPC). Run by hand, e.g. under
// `node --cpu-prof`, it starts its own token issuer when no JWKS URI is given, prints the URL and
// a token to load it with, and its CPU time when stopped with Ctrl-C.
import { serveInChild, type RunningTarget } from '../server-process.js';
import { startBareKoa, startIssuer, startMeridian } from './targets.js';

const [which, arg] = process.argv.slice(2);
if (which !== 'meridian' && which !== 'bare') {
  process.stderr.write('usage: serve.ts meridian [JWKS_URI] | bare [SPIN_US]\n');
  process.exit(2);
}

let token: string | undefined;
await serveInChild(
  async (): Promise<RunningTarget> => {
    if (which === 'bare') return startBareKoa(Number(arg ?? 0));
    if (arg) return startMeridian(arg);
    const issuer = await startIssuer();
    token = issuer.token;
    const meridian = await startMeridian(issuer.jwksUri);
    return {
      url: meridian.url,
      async close() {
        await meridian.close();
        await issuer.close();
      },
    };
  },
  (target) => `${target.url}${token ? `\nAuthorization: Bearer ${token}` : ''}`,
);
