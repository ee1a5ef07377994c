import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionTracker {
  /** Stops accepting, lets in-flight requests finish within `timeoutMs`, then closes what is left. */
  drain(timeoutMs: number): Promise<void>;
  inFlight(): number;
}

/** Requests in flight on a connection: a property of the socket, read and written per request. */
const IN_FLIGHT = Symbol('meridian.inFlight');
type TrackedSocket = Socket & { [IN_FLIGHT]?: number };

/** Counts requests per connection so shutdown can close idle keep-alive sockets at once. */
export function trackConnections(server: Server): ConnectionTracker {
  const active = new Set<TrackedSocket>();
  let inFlight = 0;
  let draining = false;
  server.on('connection', (socket: TrackedSocket) => {
    socket[IN_FLIGHT] = 0;
    active.add(socket);
    socket.once('close', () => active.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket as TrackedSocket;
    inFlight++;
    socket[IN_FLIGHT] = (socket[IN_FLIGHT] ?? 0) + 1;
    // 'close' comes once per response.
    res.on('close', () => {
      inFlight--;
      const n = (socket[IN_FLIGHT] ?? 1) - 1;
      socket[IN_FLIGHT] = n;
      // While draining, a connection whose last request just ended is closed, not kept alive.
      if (draining && n === 0) socket.end();
    });
    if (draining) res.setHeader('Connection', 'close');
  });
  return {
    inFlight: () => inFlight,
    drain(timeoutMs: number) {
      draining = true;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of active) socket.destroy();
        }, timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        for (const socket of active) if (!socket[IN_FLIGHT]) socket.end();
      });
    },
  };
}
