import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionTracker {
  /** Stops accepting, lets in-flight requests finish within `timeoutMs`, then closes what is left. */
  drain(timeoutMs: number): Promise<void>;
  inFlight(): number;
}

/** Counts requests per connection so shutdown can close idle keep-alive sockets at once. */
export function trackConnections(server: Server): ConnectionTracker {
  const active = new Map<Socket, number>();
  let inFlight = 0;
  let draining = false;
  server.on('connection', (socket: Socket) => {
    active.set(socket, 0);
    socket.once('close', () => active.delete(socket));
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight++;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    res.once('close', () => {
      inFlight--;
      const n = (active.get(socket) ?? 1) - 1;
      active.set(socket, n);
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
          for (const socket of active.keys()) socket.destroy();
        }, timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        for (const [socket, n] of active) if (n === 0) socket.end();
      });
    },
  };
}
